// Starts Prism on the bundled description as a child process and reports the port it chose. Used by the test setup,
// the tour (`npm start`) and `npm run mock`, so there is one way to run the mock and one way to stop it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureTestTools, resolveTestTool } from './test-tools.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// The mock serves the bundle whose 64-bit cursors carry no `format: int64` (Prism caps those at 2^53 − 1).
export const bundledSpec = `${root}generated/openapi.mock.yaml`;
const watchdog = new URL('../bin/exit-with-parent.mjs', import.meta.url).href;

/**
 * @param {{ port?: number, spec?: string, inheritOutput?: boolean, startupMs?: number }} [options]
 * @returns {Promise<{ url: string, port: number, stop: () => Promise<void>, exited: Promise<number | null> }>}
 */
export function startPrism({ port = 0, spec = bundledSpec, inheritOutput = false, startupMs = 60_000 } = {}) {
  ensureTestTools();
  const prismEntry = resolveTestTool('@stoplight/prism-cli/dist/index.js');
  // Prism is a node script: spawn node directly, so SIGTERM reaches Prism itself and no wrapper is left orphaned.
  // The stdin pipe is never written: when this process ends, however it ends, exit-with-parent.mjs stops Prism.
  const child = spawn(process.execPath, ['--import', watchdog, prismEntry, 'mock', spec, '-p', String(port), '-h', '127.0.0.1'], {
    env: { ...process.env, SCARF_ANALYTICS: 'false' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`Prism did not start within ${startupMs} ms:\n${output}`));
    }, startupMs);
    const onData = (chunk) => {
      const text = chunk.toString();
      if (inheritOutput) process.stdout.write(text);
      output += text;
      const match = /Prism is listening on (http:\/\/[^\s:]+):(\d+)/.exec(output);
      if (match && timer) {
        clearTimeout(timer);
        const chosen = Number(match[2]);
        resolve({ url: `http://127.0.0.1:${chosen}`, port: chosen, stop, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited (${code}) before listening:\n${output}`));
    });
  });
}
