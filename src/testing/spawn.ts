/// <reference types="node" />
// Runs the fake vendor's loopback server in a child process (the `tim-rest-fake` script), so that a benchmark's
// client and the fake do not share one event loop. Resolves once the child prints its URL.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeVendorServerStats } from './server.js';
import type { Fault } from './faults.js';
import type { OperationId } from '../../generated/api-facts.js';

export interface SpawnFakeVendorOptions {
  /** Command-line options of `tim-rest-fake` (see its --help), e.g. `['--rtt', '50', '--groups', '1000000']`. */
  args?: string[];
  /** Give up when the child is not listening within this many ms (default 30000). */
  startupMs?: number;
}

export interface SpawnedFakeVendor {
  readonly url: string;
  /** The readiness line as printed: the URL and the app (SDKAppID, identifier, secret key) clients sign for. */
  readonly ready: string;
  readonly pid: number;
  stats(): Promise<FakeVendorServerStats>;
  resetStats(): Promise<void>;
  inject(operation: OperationId | '*', fault: Fault, times?: number): Promise<void>;
  /** SIGTERM, and resolves with the exit code once the child has exited. */
  stop(): Promise<number | null>;
}

const READY = /tim-rest-fake listening on (http:\/\/\S+)[^\n]*/;

export function spawnFakeVendorServer(options: SpawnFakeVendorOptions = {}): Promise<SpawnedFakeVendor> {
  // From the source tree (tests, bench) the script is TypeScript and runs through tsx; from the package it is built JS.
  const fromSource = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(`./server-cli.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  const child = spawn(process.execPath, [...(fromSource ? ['--import', 'tsx'] : []), script, ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`tim-rest-fake did not start within ${options.startupMs ?? 30_000} ms:\n${output}`));
    }, options.startupMs ?? 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume();
      const url = match[1] as string;
      const control = async (path: string, init?: RequestInit): Promise<unknown> => {
        const response = await fetch(`${url}${path}`, init);
        if (!response.ok) throw new Error(`tim-rest-fake ${path}: HTTP ${response.status} ${await response.text()}`);
        return response.json();
      };
      resolve({
        url,
        ready: match[0],
        pid: child.pid as number,
        stats: async () => (await control('/__fake/stats')) as FakeVendorServerStats,
        resetStats: async () => void (await control('/__fake/reset', { method: 'POST' })),
        inject: async (operation, fault, times = 1) =>
          void (await control('/__fake/faults', { method: 'POST', body: JSON.stringify({ operation, fault, times }) })),
        stop,
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tim-rest-fake exited (${code}) before listening:\n${output}`));
    });
  });
}
