// Calls to the Prism mock that the global setup started (its URL comes from `inject('prismUrl')`), with the five
// authentication query parameters every TIM REST call carries.
import { randomInt } from 'node:crypto';
import { inject } from 'vitest';

/** The five query parameters the vendor's pages put on every call, with valid values. */
export function authQuery(): Record<string, string> {
  return {
    sdkappid: '1400000000',
    identifier: 'administrator',
    // Any non-empty run of [A-Za-z0-9*_-]; the three symbols are in it because a real UserSig uses them.
    usersig: 'eJw*Fake_UserSig-0',
    // A new unsigned 32-bit value per call, as the vendor asks (randomInt's upper bound is exclusive).
    random: String(randomInt(0, 2 ** 32)),
    contenttype: 'json',
  };
}

export interface PrismCall {
  /** Query parameters; defaults to authQuery(). */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as JSON with `Content-Type: application/json` unless `rawBody` is given. */
  body?: unknown;
  /** Sent as bytes with no Content-Type header (fetch adds none for a Uint8Array). */
  rawBody?: Uint8Array<ArrayBuffer>;
}

export interface PrismReply {
  status: number;
  contentType: string;
  body: unknown;
}

export async function postToPrism(path: string, call: PrismCall = {}): Promise<PrismReply> {
  const url = new URL(path, inject('prismUrl'));
  for (const [name, value] of Object.entries(call.query ?? authQuery())) url.searchParams.set(name, value);
  const headers: Record<string, string> = { ...call.headers };
  let body: string | Uint8Array<ArrayBuffer>;
  if (call.rawBody !== undefined) {
    body = call.rawBody;
  } else {
    body = JSON.stringify(call.body ?? {});
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: the raw text is kept so a failing assertion shows what came back.
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: parsed };
}

/** One entry of Prism's problem+json `validation` list. */
export interface PrismViolation {
  location?: string[];
  code?: string;
  message?: string;
}

export function violationsOf(reply: PrismReply): PrismViolation[] {
  const body = reply.body as { validation?: unknown } | undefined;
  return Array.isArray(body?.validation) ? (body.validation as PrismViolation[]) : [];
}

/**
 * Whether a violation is about `field`: Prism puts the field in `location` (["body", "Limit"], ["query", "random"],
 * ["body", "TagList", "0"]) except for missing and unknown properties, where the location is the parent and the
 * message quotes the name ("must have required property 'StartIndex'", "found 'Extra'").
 */
export function namesField(violation: PrismViolation, field: string): boolean {
  return (violation.location ?? []).includes(field) || (violation.message ?? '').includes(`'${field}'`);
}
