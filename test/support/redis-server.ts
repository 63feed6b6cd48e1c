// A real redis-server (Debian's package) for one test file or a bench run: on a free loopback port, without
// persistence, stopped (SIGTERM, then waited for) after. `stop` and `start` again on the same port model a Redis lost
// and back mid-job.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** The running process (undefined while stopped). */
  readonly process: ChildProcess | undefined;
  /** Starts it (again) on the same port and resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it with `signal` (default SIGTERM) and resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A port nobody listens on now: the kernel picks it for a throwaway listener. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get process() {
      return child;
    },
    async start() {
      if (child) throw new Error('redis-server is already running');
      const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'local'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          if (output.includes('Ready to accept connections')) {
            started.stdout?.off('data', onData);
            started.off('exit', onExit);
            started.stdout?.resume();
            resolve();
          }
        };
        const onExit = (code: number | null): void => {
          child = undefined;
          reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`));
        };
        started.stdout?.on('data', onData);
        started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
        started.once('exit', onExit);
        started.once('error', reject);
      });
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const running = child;
      if (!running) return;
      child = undefined;
      if (running.exitCode !== null || running.signalCode !== null) return;
      const exited = once(running, 'exit');
      running.kill(signal);
      // A paused server (SIGSTOP, a slow Redis) handles the signal only once it runs again.
      running.kill('SIGCONT');
      await exited;
    },
  };
  await server.start();
  return server;
}
