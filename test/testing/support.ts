// Raw calls to the fake vendor (without the client) for tests that look at the wire: a signed query string for the
// fake's app, and a POST helper that works with the in-memory fetch or a server URL.
import { connect } from 'node:net';
import { genUserSig } from '../../src/index.js';
import { operations, type OperationId } from '../../generated/api-facts.js';
import { FAKE_APP, SCRIPTED_HEADER, type FakeVendor } from '../../src/testing/index.js';
import { errorCodesOf, operationByPath, validatorFor, describeErrors } from '../support/spec-document.js';

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


export interface CheckedFetch {
  /** The fake's fetch, checking every reply against the document on the way back. */
  fetch: (request: Request) => Promise<Response>;
  /** One line per reply that broke the document (schema, or an ErrorCode the operation cannot return). */
  violations: string[];
  /** Replies checked so far. */
  checked: number;
}

const byPath = new Map<string, string>(Object.entries(operations).map(([operationId, facts]) => [facts.path, operationId]));

/** Checks one reply body (HTTP 200) of the operation at `path` against the document; returns what is wrong. */
export function documentViolations(path: string, text: string): string[] {
  const operationId = byPath.get(path);
  if (!operationId) return [`${path} is not an operation of the document`];
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return [`${operationId}: the reply is not JSON: ${text.slice(0, 200)}`];
  }
  const validate = validatorFor(operationByPath(path).responseSchemaRef);
  const problems: string[] = [];
  if (!validate(body)) problems.push(`${operationId}: ${describeErrors(validate)} in ${text.slice(0, 200)}`);
  const code = body['ErrorCode'];
  if (typeof code === 'number' && code !== 0 && !errorCodesOf(operationId).has(code)) problems.push(`${operationId}: ErrorCode ${code} is not one the document lists for it`);
  return problems;
}

export function documentCheckedFetch(fake: FakeVendor): CheckedFetch {
  const checked: CheckedFetch = {
    violations: [],
    checked: 0,
    fetch: async (request) => {
      const response = await fake.fetch(request);
      if (response.status === 200 && !response.headers.has(SCRIPTED_HEADER)) {
        const text = await response.clone().text();
        checked.checked += 1;
        checked.violations.push(...documentViolations(new URL(request.url).pathname, text));
      }
      return response;
    },
  };
  return checked;
}

/** Resolves true when a TCP connection to `port` on 127.0.0.1 is refused (nothing listens there any more). */
export function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
