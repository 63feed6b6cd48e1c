// The reply envelope of a callback (CallbackReply in the document) and the refusals the handler answers with.
export interface CallbackReply {
  ActionStatus: 'OK' | 'FAIL';
  ErrorCode: number;
  ErrorInfo: string;
  /** Fields the vendor reads from the reply of some callbacks (none of the ones described here). */
  [field: string]: unknown;
}

export const OK_REPLY: CallbackReply = Object.freeze({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** HTTP 200 with the envelope. */
export function replyResponse(reply: CallbackReply): Response {
  return new Response(JSON.stringify(reply), { status: 200, headers: JSON_HEADERS });
}

/** A 4xx or 5xx with a FAIL envelope whose ErrorInfo says what was wrong (never a secret). */
export function refusalResponse(status: number, info: string): Response {
  return new Response(JSON.stringify({ ActionStatus: 'FAIL', ErrorCode: 1, ErrorInfo: info }), { status, headers: JSON_HEADERS });
}
