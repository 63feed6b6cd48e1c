// Decides whether a reply body is a success, and turns every other outcome into a ChatApiError.
import { ChatApiError, TransportCode, describeErrorCode, scrubSecrets } from './errors.js';
import { parseJson } from './json.js';

export interface Envelope {
  ActionStatus?: unknown;
  ErrorCode?: unknown;
  ErrorInfo?: unknown;
  ErrorDisplay?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Parses a 2xx reply body and returns it when ErrorCode is 0 and ActionStatus is not FAIL; throws otherwise. Text the
 * error quotes from the reply has `secrets` scrubbed: a server may echo the request's usersig.
 */
export function readEnvelope(operation: string, body: string | undefined, httpStatus: number, secrets: () => readonly string[] = () => []): Record<string, unknown> {
  const base = { operation, httpStatus, attempts: 1 };
  if (body === undefined || body.trim() === '') {
    throw new ChatApiError(`${operation}: the reply body was empty (HTTP ${httpStatus})`, {
      ...base, code: TransportCode.invalidJson, info: 'empty reply body', retryable: true,
    });
  }
  let parsed: unknown;
  try {
    parsed = parseJson(body);
  } catch (cause) {
    throw new ChatApiError(`${operation}: the reply body is not JSON (HTTP ${httpStatus})`, {
      ...base, code: TransportCode.invalidJson, info: 'reply body is not JSON', retryable: true, cause,
    });
  }
  const envelope = parsed as Envelope & Record<string, unknown>;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || typeof envelope.ErrorCode !== 'number') {
    throw new ChatApiError(`${operation}: the reply is not a result envelope (no numeric ErrorCode)`, {
      ...base, code: TransportCode.invalidReply, info: 'reply has no numeric ErrorCode', retryable: false,
    });
  }
  if (envelope.ErrorCode === 0 && envelope.ActionStatus !== 'FAIL') return envelope;
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
  let info = `HTTP ${status}`;
  if (body !== null && typeof body === 'object') {
    const problem = body as { title?: unknown; detail?: unknown; validation?: unknown };
    const validation = Array.isArray(problem.validation)
      ? problem.validation.map((v: { message?: unknown }) => text(v?.message)).filter(Boolean).join('; ')
      : '';
    info = [text(problem.title), text(problem.detail), validation].filter(Boolean).join(' — ') || info;
  } else if (typeof body === 'string' && body.trim() !== '') {
    info = `${info}: ${text(body).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}`;
  }
  return new ChatApiError(`${operation}: HTTP ${status} from the server: ${info}`, {
    code: TransportCode.http,
    info,
    operation,
    httpStatus: status,
    retryable: status === 429 || status >= 500,
    attempts: 1,
  });
}
