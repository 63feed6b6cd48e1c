// A refused connection proves the request never reached the server, so even a call that is not idempotent may be sent
// again. Each runtime says it its own way: Node (undici) and Bun put a code on the error or its cause
// (ECONNREFUSED, ConnectionRefused), Deno only says it in the message ("Connection refused (os error 111)"). workerd
// says "Network connection lost." for a refusal and a reset alike, so there a write is never re-sent (the runtime
// matrix shows each).
import { TransportCode, type ChatApiError } from './errors.js';

const REFUSED_CODES = new Set(['ECONNREFUSED', 'ConnectionRefused']);
const REFUSED_TEXT = /connection refused|ECONNREFUSED|os error 111\b|os error 10061\b/i;

export function isConnectionRefused(error: ChatApiError): boolean {
  if (error.code !== TransportCode.network) return false;
  for (let cause: unknown = error.cause, depth = 0; cause instanceof Error && depth < 6; cause = cause.cause, depth++) {
    const code = (cause as Error & { code?: unknown }).code;
    if (typeof code === 'string' && REFUSED_CODES.has(code)) return true;
    if (REFUSED_TEXT.test(cause.message)) return true;
  }
  return false;
}
