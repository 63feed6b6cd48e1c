#!/usr/bin/env node
// `tim-rest-mock`: Prism serving the TIM REST API description shipped in this package, for contract checks in a
// user's CI. Uses the @stoplight/prism-cli installed in the user's project (it is not a dependency of the client);
// when there is none, prints the command that installs it and exits with status 1. Prints one line,
// `tim-rest-mock listening on http://HOST:PORT`, once Prism is ready; Prism's per-request log is dropped unless
// --verbose. SIGTERM, SIGINT or SIGHUP stop Prism and then this process; so does the parent going away. Prism stops
// by itself when this process ends in any other way (exit-with-parent.mjs), SIGKILL included.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const PRISM = '@stoplight/prism-cli';
const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// The version the package is tested with: the lowest of the peer range (`^5.14.2`), which users' Prism may exceed.
const prismVersion = /\d+(\.\d+)*/.exec(packageJson.peerDependencies?.[PRISM] ?? '')?.[0] ?? '5';
// The mock's variant of the shipped description (64-bit cursors without `format: int64`, so Prism takes every value).
const shippedSpec = fileURLToPath(new URL('../generated/openapi.mock.yaml', import.meta.url));

const USAGE = `Usage: tim-rest-mock [--port N] [--host H] [--spec FILE] [--verbose]
  --port N     port to listen on (default 4010; 0 picks a free one)
  --host H     address to listen on (default 127.0.0.1)
  --spec FILE  description to serve (default: the one shipped with tim-rest-client)
  --verbose    pass Prism's own log through
Needs ${PRISM} installed in your project: npm install --save-dev ${PRISM}@${prismVersion}`;

/**
 * Prism's entry script: from the project it is run in first, then from wherever this package is installed, then (in
 * this repository's checkout) from its test tools.
 */
function findPrism() {
  for (const base of [join(process.cwd(), 'package.json'), import.meta.url, new URL('../test/package.json', import.meta.url).href]) {
    try {
      return createRequire(base).resolve(`${PRISM}/dist/index.js`);
    } catch {
      // not installed there
    }
  }
  return undefined;
}

function fail(message, status = 1) {
  process.stderr.write(`tim-rest-mock: ${message}\n`);
  process.exit(status);
}

let values;
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string', default: '4010' }, host: { type: 'string', default: '127.0.0.1' }, spec: { type: 'string' }, verbose: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    strict: true,
  }));
} catch (error) {
  fail(`${error.message}\n${USAGE}`, 2);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) fail(`--port must be a port number (got ${values.port})\n${USAGE}`, 2);

const prismEntry = findPrism();
if (!prismEntry) {
  fail(`${PRISM} is not installed. Install it in your project with:\n\n  npm install --save-dev ${PRISM}@${prismVersion}\n`);
}

// Prism is a node script: run it with this node, so the signal reaches Prism itself and nothing is left behind.
// Its stdin is a pipe this process holds and never writes: exit-with-parent.mjs stops Prism when the pipe closes.
const watchdog = pathToFileURL(fileURLToPath(new URL('./exit-with-parent.mjs', import.meta.url))).href;
const child = spawn(process.execPath, ['--import', watchdog, prismEntry, 'mock', values.spec ?? shippedSpec, '-p', values.port, '-h', values.host], {
  env: { ...process.env, SCARF_ANALYTICS: 'false' },
  stdio: ['pipe', 'pipe', 'pipe'],
});
let ready = false;
let recent = '';
const onOutput = (chunk) => {
  const text = chunk.toString();
  if (values.verbose) process.stderr.write(text);
  if (ready) return;
  // Kept only until Prism is ready, to explain a failed start.
  recent = `${recent}${text}`.slice(-20_000);
  const match = /Prism is listening on (https?):\/\/([^\s:]+):(\d+)/.exec(recent);
  if (match) {
    ready = true;
    clearTimeout(startup);
    process.stdout.write(`tim-rest-mock listening on ${match[1]}://${values.host.includes(':') ? `[${values.host}]` : values.host}:${match[3]}\n`);
  }
};
child.stdout.on('data', onOutput);
child.stderr.on('data', onOutput);
const startup = setTimeout(() => {
  process.stderr.write(`tim-rest-mock: Prism did not start within 60 s:\n${recent}\n`);
  stop(1);
}, 60_000);

let stopping = false;
function stop(status = 0) {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  // Prism normally exits at once; one that does not is killed rather than left running.
  setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  child.once('exit', () => process.exit(status));
  if (child.exitCode !== null || child.signalCode !== null) process.exit(status);
}

child.once('exit', (code, signal) => {
  if (stopping) return;
  clearTimeout(startup);
  process.stderr.write(`tim-rest-mock: Prism exited (${signal ?? code})${ready ? '' : ` before it was ready:\n${recent}`}\n`);
  process.exit(typeof code === 'number' && code !== 0 ? code : 1);
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.once(signal, () => stop(0));
// Killed without a signal reaching it (e.g. the npm script wrapper was killed): stop Prism when orphaned.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop(0);
}, 500).unref();
