// The drift report: in process on the fake vendor with one drifted reply, and `npm run drift`'s script against the
// fake's loopback server (the TIM_* variables, TIM_BASE_URL pointing at it), its exit status and what it prints.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFakeVendor, FAKE_APP } from '../../src/testing/index.js';
import { startFakeVendorServer } from '../../src/testing/server-entry.js';
import { runDriftCheck, formatDriftReport, driftFound } from '../../src/drift/run.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dataset = { accounts: ['alice', 'bob'], friends: { alice: { bob: { lists: ['team'] } } } };
const drifted = (body: Record<string, unknown>) => ({ httpStatus: 200, body: JSON.stringify(body), contentType: 'application/json' });

function runScript(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/drift.ts'], { cwd: root, env: { PATH: process.env['PATH'] ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('runDriftCheck', () => {
  it('calls the four operations and reports only the drifted one', async () => {
    const fake = createFakeVendor({ rateLimit: false, dataset });
    fake.inject('getConversationGroupMarks', drifted({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ContactItem: [], GroupItem: [], CompleteFlag: 2, NextStartIndex: 0 }));
    const results = await runDriftCheck({ ...fake.clientOptions(), rateLimit: false }, 'alice');
    expect(results.map((r) => [r.operation, r.outcome.ok, r.reports.length])).toEqual([
      ['getFriendLists', true, 0], ['getSpecifiedFriends', true, 0], ['getAppGroups', true, 0], ['getConversationGroupMarks', true, 1],
    ]);
    // getSpecifiedFriends asked for the friend the first call found.
    expect((fake.callsOf('getSpecifiedFriends')[0]!.body as { To_Account: string[] }).To_Account).toEqual(['bob']);
    expect(driftFound(results)).toBe(true);
    expect(formatDriftReport(results)).toContain('getConversationGroupMarks (ok): 1 difference\n  enum          CompleteFlag: expected one of 0, 1, got 2');
  });
});

describe('npm run drift', () => {
  it('prints the report and exits 1 on drift, 0 without; never prints the secret key', async () => {
    const server = await startFakeVendorServer({ rateLimit: false, dataset });
    try {
      const env = { TIM_SDKAPPID: String(FAKE_APP.sdkAppId), TIM_IDENTIFIER: FAKE_APP.identifier, TIM_SECRET_KEY: FAKE_APP.secretKey, TIM_BASE_URL: server.url, TIM_FROM_ACCOUNT: 'alice' };
      const clean = await runScript(env);
      expect(clean.stderr).toBe('');
      expect(clean.stdout).toBe(['getFriendLists', 'getSpecifiedFriends', 'getAppGroups', 'getConversationGroupMarks'].map((op) => `${op} (ok): no drift\n`).join(''));
      expect(clean.code).toBe(0);

      server.vendor.inject('getAppGroups', drifted({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', TotalCount: 0, GroupIdList: [], Next: 0, Region: 'x' }));
      const drift = await runScript(env);
      expect(drift.stdout).toContain('getAppGroups (ok): 1 difference\n  unknown-field Region: expected a documented field, got string');
      expect(drift.code).toBe(1);
      expect(drift.stdout + drift.stderr).not.toContain(FAKE_APP.secretKey);
    } finally {
      await server.close();
    }
  });

  it('names the missing variables and exits 2', async () => {
    const run = await runScript({ TIM_SDKAPPID: '1400000000' });
    expect(run.stderr).toMatch(/set TIM_IDENTIFIER, TIM_SECRET_KEY/);
    expect(run.code).toBe(2);
  });
});
