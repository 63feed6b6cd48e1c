// Decides whether a reply body is a success, and turns every other outcome into a ChatApiError.
//
// ErrorCode classification (one rule for every odd value): the document types ErrorCode as a 32-bit integer. A JSON
// number that is an integer in that range (1.0 counts as 1) is the server's verdict: 0 is success unless ActionStatus
// is FAIL, anything else is a business error with that code. Any other value — missing, null, a string (even "0" or
// "70001"), a fraction (0.5), a number beyond 32 bits (including ones JSON.parse would round, which arrive as decimal
// strings), a value only lossy parsers turn into Infinity (1e999) — means the outcome of the call is unknown:
// INVALID_REPLY, not retried, with the value quoted. Guessing ("0" is probably 0) could report a failed call as done.
import { operations, type OperationId } from '../generated/api-facts.js';
import { wireFields } from '../generated/wire-fields.js';
import { ChatApiError, TransportCode, describeErrorCode, scrubSecrets } from './errors.js';
import { parseReplyJson } from './json.js';

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
export function readEnvelope(operation: string, body: string | undefined, httpStatus: number, secrets: () => readonly string[] = () => []): Record<string, unknown> {
  const base = { operation, httpStatus, attempts: 1 };
  if (body === undefined || body.trim() === '') {
    throw new ChatApiError(`${operation}: the reply body was empty (HTTP ${httpStatus})`, {
      ...base, code: TransportCode.invalidJson, info: 'empty reply body', retryable: true,
    });
  }
  const fields = isOperationId(operation) ? wireFields[operation] : undefined;
  let parsed: ReturnType<typeof parseReplyJson>;
  try {
    parsed = parseReplyJson(body, fields?.replyInt64);
  } catch (cause) {
    throw new ChatApiError(`${operation}: the reply body is not JSON (HTTP ${httpStatus})`, {
      ...base, code: TransportCode.invalidJson, info: 'reply body is not JSON', retryable: true, cause,
    });
  }
  const invalidReply = (info: string): ChatApiError =>
    new ChatApiError(`${operation}: invalid reply: ${info}`, { ...base, code: TransportCode.invalidReply, info, retryable: false });
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidReply(`the reply is ${describeValue(value, [])}, not a result envelope`);
  }
  const envelope = value as Envelope & Record<string, unknown>;
  if (!isErrorCode(envelope.ErrorCode)) {
    throw invalidReply(`ErrorCode is ${describeValue(envelope.ErrorCode, secrets())}, not a 32-bit integer: the outcome of the call is unknown`);
  }
  if (envelope.ErrorCode === 0 && envelope.ActionStatus !== 'FAIL') {
    const problem = parsed.problems[0];
    if (problem) throw invalidReply(`${problem.field} ${problem.rule}`);
    for (const list of fields?.replyLists ?? []) {
      const item = envelope[list];
      if (item !== undefined && !Array.isArray(item)) throw invalidReply(`${list} is ${describeValue(item, secrets())}, not a list`);
    }
    return envelope;
  }
  const code = envelope.ErrorCode;
  const known = secrets();
  const info = scrubSecrets(text(envelope.ErrorInfo), known);
  const display = scrubSecrets(text(envelope.ErrorDisplay), known);
  const facts = describeErrorCode(code, operation);
  throw new ChatApiError(`${operation} failed with ErrorCode ${code}${info ? `: ${info}` : ''}`, {
    ...base,
    code,
    info,
    display: display !== '' ? display : undefined,
    retryable: facts.retryable,
  });
}

/**
 * Summarizes a non-2xx reply (the mock's problem+json, a gateway's HTML) without quoting pages of markup. `secrets` are
 * scrubbed before anything is shortened, so a page that quotes the request URL leaks no part of the usersig.
 */
export function httpError(operation: string, status: number, body: unknown, secrets: () => readonly string[] = () => []): ChatApiError {
  const known = secrets();
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
      attempts: 1,
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
    attempts: 1,
  });
}
