// `npm start` with credentials, when the call fails: one line on stderr (what failed, the host, what to check), no
// stack, no secret, and a non-zero exit. The hosts are loopback: a closed port, and the fake vendor's server.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_APP } from '../../src/testing/index.js';
import { startFakeVendorServer, type FakeVendorServer } from '../../src/testing/server-entry.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const secretKey = 'tour-test-secret-key-0123456789abcdef';

interface Run { code: number | null; stdout: string; stderr: string }

function npmStart(extra: Record<string, string>): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['TIM_REGION', 'TIM_DEBUG', 'TIM_FROM_ACCOUNT']) delete env[name];
  Object.assign(env, { TIM_SDKAPPID: String(FAKE_APP.sdkAppId), TIM_IDENTIFIER: FAKE_APP.identifier, TIM_SECRET_KEY: secretKey }, extra);
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: root, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** A loopback port nothing listens on: one the system handed out, closed again. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function expectOneLine(run: Run): string {
  expect(run.code).not.toBe(0);
  expect(run.code).not.toBeNull();
  expect(run.stderr.endsWith('\n')).toBe(true);
  const lines = run.stderr.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  const line = lines[0]!;
  expect(line.trim()).not.toBe('');
  expect(run.stdout + run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stdout + run.stderr).not.toContain(secretKey);
  expect(run.stdout + run.stderr).not.toMatch(/usersig=/i);
  expect(line).toContain('TIM_DEBUG=1');
  return line;
}

describe('npm start with credentials and an unreachable host', () => {
  it('prints one line naming the call, the host and what to check, and exits 1', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const run = await npmStart({ TIM_BASE_URL: `http://${host}` });
    const line = expectOneLine(run);
    expect(run.code).toBe(1);
    expect(line).toMatch(/^Tour failed: getFriendLists could not reach /);
    expect(line).toContain(host);
    expect(line).toContain('NETWORK_ERROR');
    for (const check of ['network', 'TIM_REGION', 'TIM_BASE_URL', 'proxy']) expect(line).toContain(check);
  }, 60_000);

  it('prints the stack as well with TIM_DEBUG=1, still without the secret key', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const run = await npmStart({ TIM_BASE_URL: `http://${host}`, TIM_DEBUG: '1' });
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')[0]).toContain(host);
    expect(run.stderr).toMatch(/^\s+at /m);
    expect(run.stderr).toContain('ECONNREFUSED');
    expect(run.stderr).not.toContain(secretKey);
    expect(run.stderr).not.toMatch(/usersig=(?!\[redacted\])/i);
  }, 60_000);
});

describe('npm start with credentials the service refuses', () => {
  let server: FakeVendorServer;
  beforeAll(async () => {
    server = await startFakeVendorServer({ rateLimit: false });
  });
  afterAll(async () => {
    await server.close();
  });

  it('prints one line with the ErrorCode, its info and the document\'s advice, and exits 1', async () => {
    // The fake knows FAKE_APP's key; a usersig signed with another key fails verification (70009).
    const run = await npmStart({ TIM_BASE_URL: server.url });
    const line = expectOneLine(run);
    expect(run.code).toBe(1);
    expect(line).toContain(new URL(server.url).host);
    expect(line).toMatch(/^Tour failed: getFriendLists failed on \S+: ErrorCode 70009 "[^"]+"\. .*secret key/);
  }, 60_000);
});
