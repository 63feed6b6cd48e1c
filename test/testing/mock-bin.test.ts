// `tim-rest-mock`, the command that starts Prism on the shipped document in a user's CI: ready line with the URL,
// quiet logs, clean stop on SIGTERM and SIGINT (no Prism left listening), and a clear message when Prism is missing.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { refused, signedQuery } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'tim-rest-mock.mjs');
type Child = ChildProcessByStdio<null, Readable, Readable>;
const children: Child[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function run(args: string[], cwd = root, script = bin): { child: Child; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function readyUrl(stdout: () => string): Promise<string> {
  await expect.poll(stdout, { timeout: 90_000, interval: 100 }).toMatch(/listening on/);
  return (/tim-rest-mock listening on (http:\/\/\S+)/.exec(stdout()) as RegExpExecArray)[1] as string;
}

describe('tim-rest-mock', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves the document quietly and stops Prism on %s', async (signal) => {
    const mock = run(['--port', '0']);
    const url = await readyUrl(mock.stdout);
    const query = await signedQuery();
    const response = await fetch(`${url}/v4/sns/group_get?${query.toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'example=basic' },
      body: JSON.stringify({ From_Account: 'id' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { ActionStatus: string }).ActionStatus).toBe('OK');
    // The mock's variant of the document takes every unsigned 64-bit cursor.
    const bigCursor = await fetch(`${url}/v4/group_open_http_svc/get_appid_group_list?${(await signedQuery()).toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"Limit":10,"Next":18446744073709551615}',
    });
    expect(bigCursor.status).toBe(200);
    const missingAuth = await fetch(`${url}/v4/sns/group_get`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"From_Account":"id"}' });
    expect(missingAuth.status).toBe(401);
    // One line on stdout, nothing on stderr: Prism's per-request log is not passed through.
    expect(mock.stdout().trim().split('\n')).toEqual([`tim-rest-mock listening on ${url}`]);
    expect(mock.stderr()).toBe('');
    mock.child.kill(signal);
    expect(await mock.exited).toBe(0);
    expect(await refused(Number(new URL(url).port))).toBe(true);
  }, 120_000);

  it('leaves no Prism behind when it is killed with SIGKILL (no handler of its own runs)', async () => {
    const mock = run(['--port', '0']);
    const port = Number(new URL(await readyUrl(mock.stdout)).port);
    expect(await refused(port)).toBe(false);
    mock.child.kill('SIGKILL');
    await mock.exited;
    // Prism notices its stdin pipe closing and stops, releasing the port.
    await expect.poll(() => refused(port), { timeout: 30_000, interval: 100 }).toBe(true);
  }, 120_000);

  it('prints the install command and exits 1 when Prism is not installed', async () => {
    // A copy of the package's bin and document outside any node_modules tree: nothing to resolve Prism from.
    const dir = mkdtempSync(join(tmpdir(), 'tim-mock-'));
    try {
      mkdirSync(join(dir, 'bin'));
      mkdirSync(join(dir, 'generated'));
      copyFileSync(bin, join(dir, 'bin', 'tim-rest-mock.mjs'));
      copyFileSync(join(root, 'generated', 'openapi.mock.yaml'), join(dir, 'generated', 'openapi.mock.yaml'));
      copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
      const mock = run(['--port', '0'], dir, join(dir, 'bin', 'tim-rest-mock.mjs'));
      expect(await mock.exited).toBe(1);
      expect(mock.stderr()).toContain('npm install --save-dev @stoplight/prism-cli@5.14.2');
      expect(mock.stdout()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad option with its usage', async () => {
    const mock = run(['--port', 'eighty']);
    expect(await mock.exited).toBe(2);
    expect(mock.stderr()).toMatch(/--port must be a port number/);
  });
});
