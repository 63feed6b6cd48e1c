// Decides whether a reply body is a success, and turns every other outcome into a ChatApiError. The verdict depends on
// the bytes only, never on which JSON parser read them.
//
// ErrorCode classification (one rule for every odd value): the document types ErrorCode as a 32-bit integer, written
// as decimal digits. Such a value is the server's verdict: 0 is success unless ActionStatus is FAIL, anything else is a
// business error with that code. Any other value — missing, null, a string (even "0" or "70001"), a number written
// with a fraction or an exponent (1.0, 0.5, 1e-400, 70000.99999999999999: a parser would round them to a code), a
// number beyond 32 bits — means the outcome of the call is unknown: INVALID_REPLY, not retried, with the value quoted.
// Guessing ("0" is probably 0) could report a failed call as done. So does an envelope key given twice with different
// values (JSON.parse keeps the last, so `70001` then `0` would read as success), and nesting deeper than the request
// rules allow. Nothing here ends in anything but a ChatApiError.
import { operations, type OperationId } from '../generated/api-facts.js';
import { wireFields } from '../generated/wire-fields.js';
import { ChatApiError, TransportCode, describeErrorCode, scrubSecrets, type ErrorReply } from './errors.js';
import { nestingDeeperThan, parseReplyJson } from './json.js';
import { MAX_DEPTH } from './validate.js';

export interface Envelope {
  ActionStatus?: unknown;
  ErrorCode?: unknown;
  ErrorInfo?: unknown;
  ErrorDisplay?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Whether a parsed ErrorCode is the server's verdict (see the classification above). */
export function isErrorCode(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/** A short, secret-free description of an odd value for an error message. */
function describeValue(value: unknown, secrets: readonly string[]): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') {
    const shown = scrubSecrets(value, secrets);
    return `the string ${JSON.stringify(shown.length > 30 ? `${shown.slice(0, 29)}…` : shown)}`;
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : 'an object';
}

function isOperationId(operation: string): operation is OperationId {
  return Object.hasOwn(operations, operation);
}

/**
 * Parses a 2xx reply body and returns it when ErrorCode is 0 and ActionStatus is not FAIL; throws otherwise. For an
 * operation of the document, the success reply is also checked against the wire rules: each 64-bit integer field
 * becomes its decimal string (INVALID_REPLY naming the field when it is not an exact integer in range) and each list
 * field, when present, must be an array (a malformed list would otherwise be dropped when chunks are merged). Text the
 * error quotes from the reply has `secrets` scrubbed: a server may echo the request's usersig.
 */
export interface ReadContext {
  /** Scrubbed from any text the error quotes. */
  secrets?: readonly string[] | undefined;
  /** Requests of the call sent so far, this one included (the error's `attempts`). */
  attempts?: number | undefined;
}

// The keys of the envelope's verdict as written, found in one pass over the text. Every ErrorCode token (the
// envelope's may follow an item's) that is not a plain integer is refused before any parser rounds it; a key given
// more than once sends the text down the exact parser, which refuses the duplicate when the values differ, so both
// parsers reach one verdict on the same bytes.
const VERDICT_KEYS = /"(ErrorCode|ActionStatus)"(?:\s*:\s*(-?[0-9][0-9.eE+-]*))?/g;

function verdictKeys(text: string): { badErrorCode: string | undefined; repeated: boolean } {
  let errorCodes = 0;
  let statuses = 0;
  for (const match of text.matchAll(VERDICT_KEYS)) {
    if (match[1] === 'ActionStatus') {
      statuses++;
      continue;
    }
    errorCodes++;
    const token = match[2];
    if (token !== undefined && !/^-?\d+$/.test(token)) return { badErrorCode: token, repeated: errorCodes > 1 || statuses > 1 };
  }
  return { badErrorCode: undefined, repeated: errorCodes > 1 || statuses > 1 };
}

function scrubbedBody(text: string, secrets: readonly string[]): unknown {
  const scrubbed = scrubSecrets(text, secrets);
  try {
    return parseReplyJson(scrubbed, [], { exact: true }).value;
  } catch {
    return scrubbed;
  }
}

export function readEnvelope(operation: string, body: string | undefined, httpStatus: number, context: ReadContext = {}): Record<string, unknown> {
  const known = context.secrets ?? [];
  const base = { operation, httpStatus, attempts: context.attempts ?? 1 };
  if (body === undefined || body.trim() === '') {
    throw new ChatApiError(`${operation}: the reply body was empty (HTTP ${httpStatus})`, {
      ...base, code: TransportCode.invalidJson, info: 'empty reply body', retryable: true,
    });
  }
  const invalidReply = (info: string, cause?: unknown): ChatApiError =>
    new ChatApiError(`${operation}: invalid reply: ${info}`, { ...base, code: TransportCode.invalidReply, info, retryable: false, cause });
  if (nestingDeeperThan(body, MAX_DEPTH)) throw invalidReply(`the reply is nested deeper than ${MAX_DEPTH} levels`);
  const { badErrorCode: token, repeated } = verdictKeys(body);
  if (token !== undefined) {
    throw invalidReply(`ErrorCode is ${token.length > 30 ? `${token.slice(0, 29)}…` : token}, not written as an integer: the outcome of the call is unknown`);
  }
  const fields = isOperationId(operation) ? wireFields[operation] : undefined;
  const exact = repeated;
  let parsed: ReturnType<typeof parseReplyJson>;
  try {
    parsed = parseReplyJson(body, fields?.replyInt64, { exact });
  } catch (cause) {
    if (exact && cause instanceof Error && /duplicate key/i.test(cause.message)) {
      throw invalidReply('a key of the envelope is given twice with different values: the outcome of the call is unknown', cause);
    }
    throw new ChatApiError(`${operation}: the reply body is not JSON (HTTP ${httpStatus})`, {
      ...base, code: TransportCode.invalidJson, info: 'reply body is not JSON', retryable: true, cause,
    });
  }
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidReply(`the reply is ${describeValue(value, [])}, not a result envelope`);
  }
  const envelope = value as Envelope & Record<string, unknown>;
  if (!isErrorCode(envelope.ErrorCode)) {
    throw invalidReply(`ErrorCode is ${describeValue(envelope.ErrorCode, known)}, not a 32-bit integer: the outcome of the call is unknown`);
  }
  if (envelope.ErrorCode === 0 && envelope.ActionStatus !== 'FAIL') {
    const problem = parsed.problems[0];
    if (problem) throw invalidReply(`${problem.field} ${problem.rule}`);
    for (const list of fields?.replyLists ?? []) {
      const item = envelope[list];
      if (item !== undefined && !Array.isArray(item)) throw invalidReply(`${list} is ${describeValue(item, known)}, not a list`);
    }
    return envelope;
  }
  const code = envelope.ErrorCode;
  const info = scrubSecrets(text(envelope.ErrorInfo), known);
  const display = scrubSecrets(text(envelope.ErrorDisplay), known);
  const facts = describeErrorCode(code, operation);
  throw new ChatApiError(`${operation} failed with ErrorCode ${code}${info ? `: ${info}` : ''}`, {
    ...base,
    code,
    info,
    display: display !== '' ? display : undefined,
    retryable: facts.retryable,
    reply: { status: httpStatus, body: scrubbedBody(body, known) },
  });
}

export interface HttpErrorContext {
  secrets?: readonly string[] | undefined;
  attempts?: number | undefined;
  /** The reply, scrubbed, to keep on the error. */
  reply?: ErrorReply | undefined;
  /** The server's Retry-After, in ms. */
  retryAfterMs?: number | undefined;
}

/**
 * Summarizes a non-2xx reply (the mock's problem+json, a gateway's HTML) without quoting pages of markup. `secrets` are
 * scrubbed before anything is shortened, so a page that quotes the request URL leaks no part of the usersig.
 */
export function httpError(operation: string, status: number, body: unknown, context: HttpErrorContext = {}): ChatApiError {
  const known = context.secrets ?? [];
  const { reply, retryAfterMs } = context;
  const attempts = context.attempts ?? 1;
  const text = (value: unknown): string => scrubSecrets(typeof value === 'string' ? value : '', known);
  const statusRetryable = status === 429 || status >= 500;
  const envelope = body !== null && typeof body === 'object' ? (body as Envelope) : undefined;
  if (envelope && isErrorCode(envelope.ErrorCode) && envelope.ErrorCode !== 0) {
    // A gateway or an overloaded server may answer 5xx with a TIM envelope: its ErrorCode says more than the status.
    const code = envelope.ErrorCode;
    const info = text(envelope.ErrorInfo);
    const display = text(envelope.ErrorDisplay);
    const facts = describeErrorCode(code, operation);
    const documented = facts.description !== undefined;
    return new ChatApiError(`${operation}: HTTP ${status} with ErrorCode ${code}${info ? `: ${info}` : ''}`, {
      code,
      info,
      display: display !== '' ? display : undefined,
      operation,
      httpStatus: status,
      retryable: documented ? facts.retryable : statusRetryable,
      attempts,
      reply,
      retryAfterMs,
    });
  }
  let info = `HTTP ${status}`;
  if (envelope) {
    const problem = body as { title?: unknown; detail?: unknown; validation?: unknown; ErrorInfo?: unknown };
    const validation = Array.isArray(problem.validation)
      ? problem.validation.map((v: { message?: unknown }) => text(v?.message)).filter(Boolean).join('; ')
      : '';
    info = [text(problem.title), text(problem.detail), validation, text(problem.ErrorInfo)].filter(Boolean).join(' — ') || info;
  } else if (typeof body === 'string' && body.trim() !== '') {
    info = `${info}: ${text(body).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}`;
  }
  return new ChatApiError(`${operation}: HTTP ${status} from the server: ${info}`, {
    code: TransportCode.http,
    info,
    operation,
    httpStatus: status,
    retryable: statusRetryable,
    attempts,
    reply,
    retryAfterMs,
  });
}
