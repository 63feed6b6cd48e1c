// The drift report of a live app: runs each of the four operations once with the `onDrift` check on and collects
// what differs from the document. `npm run drift` (scripts/drift.ts) prints it for the app in the TIM_* variables.
import { createChatClient } from '../client.js';
import type { ChatClientOptions } from '../types.js';
import { ChatApiError } from '../errors.js';
import type { OperationId } from '../../generated/api-facts.js';
import type { DriftReport } from './watch.js';

export interface DriftRunResult {
  operation: OperationId;
  /** `ok`, or the failure the call ended with (its code and info; never the usersig). */
  outcome: { ok: true } | { ok: false; code: string | number; info: string };
  reports: DriftReport[];
}

/** Profile and relationship fields asked for from getSpecifiedFriends: standard ones, so every app has them. */
const TAGS = ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_AllowType', 'Tag_SNS_IM_Remark', 'Tag_SNS_IM_AddTime'] as const;

/** Calls each operation once as `fromAccount` (an account of the app) and returns each one's drift. */
export async function runDriftCheck(options: ChatClientOptions, fromAccount: string): Promise<DriftRunResult[]> {
  const reports: DriftReport[] = [];
  const chat = createChatClient({ ...options, onDrift: (report) => reports.push(report) });
  let friend = fromAccount;
  const steps: [OperationId, () => Promise<unknown>][] = [
    ['getFriendLists', async () => {
      const reply = await chat.getFriendLists({ From_Account: fromAccount, NeedFriend: 'Need_Friend_Type_Yes' });
      friend = reply.ResultItem?.find((list) => (list.To_Account ?? []).length > 0)?.To_Account?.[0] ?? fromAccount;
    }],
    ['getSpecifiedFriends', () => chat.getSpecifiedFriends({ From_Account: fromAccount, To_Account: [friend], TagList: [...TAGS] })],
    ['getAppGroups', () => chat.getAppGroups({ Limit: 10 })],
    ['getConversationGroupMarks', () => chat.getConversationGroupMarks({ From_Account: fromAccount, StartIndex: 0 })],
  ];
  const results: DriftRunResult[] = [];
  for (const [operation, step] of steps) {
    const before = reports.length;
    let outcome: DriftRunResult['outcome'] = { ok: true };
    try {
      await step();
    } catch (error) {
      if (!(error instanceof ChatApiError)) throw error;
      outcome = { ok: false, code: error.code, info: error.info };
    }
    results.push({ operation, outcome, reports: reports.slice(before) });
  }
  return results;
}

/** The report as text: one block per operation, one line per finding. */
export function formatDriftReport(results: readonly DriftRunResult[]): string {
  const lines: string[] = [];
  for (const { operation, outcome, reports } of results) {
    const findings = reports.flatMap((report) => report.findings);
    const status = outcome.ok ? 'ok' : `failed: ${outcome.code} ${outcome.info}`;
    lines.push(`${operation} (${status}): ${findings.length === 0 ? 'no drift' : `${findings.length} difference${findings.length === 1 ? '' : 's'}`}`);
    for (const finding of findings) lines.push(`  ${finding.kind.padEnd(13)} ${finding.path}: expected ${finding.expected}, got ${finding.actual}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Whether the run found drift or a call failed. */
export function driftFound(results: readonly DriftRunResult[]): boolean {
  return results.some((result) => !result.outcome.ok || result.reports.length > 0);
}
