// Raw calls to the fake vendor (without the client) for tests that look at the wire: a signed query string for the
// fake's app, and a POST helper that works with the in-memory fetch or a server URL.
import { genUserSig } from '../../src/index.js';
import { operations, type OperationId } from '../../generated/api-facts.js';
import { FAKE_APP } from '../../src/testing/index.js';

export interface AuthOverrides {
  sdkappid?: string | null;
  identifier?: string | null;
  usersig?: string | null;
  random?: string | null;
  contenttype?: string | null;
}

let random = 0;

/** A valid query for the fake's app (a fresh usersig signed with its key), with any parameter replaced or dropped. */
export async function signedQuery(overrides: AuthOverrides = {}): Promise<URLSearchParams> {
  const usersig = await genUserSig({ sdkAppId: FAKE_APP.sdkAppId, identifier: FAKE_APP.identifier, secretKey: FAKE_APP.secretKey, expireSeconds: 3600 });
  const values: Record<string, string | null> = {
    sdkappid: String(FAKE_APP.sdkAppId),
    identifier: FAKE_APP.identifier,
    usersig,
    random: String((random = (random + 7919) % 4294967296)),
    contenttype: 'json',
    ...overrides,
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== null) query.set(name, value);
  return query;
}

export interface RawReply {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

/** POSTs `body` (serialized unless it is a string) to `operation` through `fetcher` at `base`. */
export async function post(
  fetcher: (request: Request) => Promise<Response>,
  operation: OperationId,
  body: unknown,
  query?: URLSearchParams,
  base = 'http://fake.invalid',
): Promise<RawReply> {
  const url = `${base}${operations[operation].path}?${(query ?? (await signedQuery())).toString()}`;
  const response = await fetcher(new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }));
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (a gateway page): `text` holds it
  }
  return { status: response.status, text, json };
}

/** A fetch that sends to a real server (the loopback fake). */
export const networkFetch = (request: Request): Promise<Response> => fetch(request);
