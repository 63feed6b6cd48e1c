// What the scenarios share with the fresh-process helpers: the app's credentials, a hand-written caller's URL, the
// envelope check, and the two ways of walking the paged getAppGroups (the client's paginate and a fetch loop).
import type { createChatClient } from '../src/index.js';

export const SDK_APP_ID = 1400000000;
export const IDENTIFIER = 'administrator';
// Only has to be well formed; the loopback server does not verify signatures.
export const SECRET_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
export const GROUP_LIST_PATH = '/v4/group_open_http_svc/get_appid_group_list';
export const JSON_HEADERS = { 'Content-Type': 'application/json' };

type ChatClient = ReturnType<typeof createChatClient>;

export function fail(message: string): never {
  throw new Error(`wrong result: ${message}`);
}

/** What a careful hand-written caller does per call: a fresh random, the five query parameters, a fixed usersig. */
export function handUrl(baseUrl: string, apiPath: string, userSig: string): string {
  return `${baseUrl}${apiPath}?sdkappid=${SDK_APP_ID}&identifier=${IDENTIFIER}&usersig=${userSig}&random=${(Math.random() * 4294967296) >>> 0}&contenttype=json`;
}

export function checkEnvelope(reply: { ErrorCode?: unknown; ActionStatus?: unknown } | undefined): void {
  if (!reply || reply.ErrorCode !== 0 || reply.ActionStatus !== 'OK') fail(`unexpected reply ${JSON.stringify(reply)?.slice(0, 200)}`);
}

interface GroupPage {
  ErrorCode: number;
  ActionStatus: string;
  GroupIdList: { GroupId: string }[];
  Next: number;
}

/** The hand-written loop: fetch, JSON.parse, follow Next until 0. Returns the number of ids seen. */
export async function handPaginate(baseUrl: string, pageSize: number, userSig: string, onPage?: () => void): Promise<number> {
  let next = 0;
  let seen = 0;
  for (;;) {
    const res = await fetch(handUrl(baseUrl, GROUP_LIST_PATH, userSig), { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ Limit: pageSize, Next: next }) });
    if (!res.ok) fail(`HTTP ${res.status}`);
    const page = JSON.parse(await res.text()) as GroupPage;
    checkEnvelope(page);
    if (page.GroupIdList[0]?.GroupId !== `@TGS#${seen}`) fail(`page at ${seen} starts with ${page.GroupIdList[0]?.GroupId}`);
    seen += page.GroupIdList.length;
    onPage?.();
    if (page.Next === 0) return seen;
    next = page.Next;
  }
}

/** The client's walk: `for await (const page of client.paginate('getAppGroups', { Limit }))`. */
export async function clientPaginate(client: ChatClient, pageSize: number, onPage?: () => void): Promise<number> {
  let seen = 0;
  for await (const page of client.paginate('getAppGroups', { Limit: pageSize })) {
    const ids = page.GroupIdList ?? fail('page without GroupIdList');
    if (ids[0]?.GroupId !== `@TGS#${seen}`) fail(`page at ${seen} starts with ${ids[0]?.GroupId}`);
    seen += ids.length;
    onPage?.();
  }
  return seen;
}
