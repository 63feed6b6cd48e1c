// `client.api` is an openapi-fetch client whose `fetch` is this adapter: each request it builds is taken apart
// (path, JSON body, signal, headers) and run through the same pipeline as every other call, then the outcome is
// handed back as a Response for openapi-fetch to unpack — the same verdict the methods reach on the same bytes:
// - success: HTTP 200 with the envelope, written from the losslessly parsed reply (64-bit values as decimal strings);
// - a failure the server answered, after the pipeline's retries: a FAIL envelope as `data` (HTTP 200, its ErrorCode),
//   a non-2xx reply as `error`, each from the error's scrubbed, losslessly parsed reply;
// - everything else rejects with the ChatApiError: no reply (invalid body, timeout, network, abort), and a reply the
//   methods refuse to read (INVALID_JSON, INVALID_REPLY, REPLY_TOO_LARGE) — never `data` that only looks like success.
// The Response carries no URL, so nothing of the auth query (usersig included) is reachable from it.
import { ChatApiError } from '../errors.js';
import { parseJson, stringifyJson } from '../json.js';
import type { Envelope } from './context.js';
import type { CallOptions } from '../types.js';

export type RunPath = (path: string, body: unknown, options: CallOptions) => Promise<Envelope>;

const JSON_HEADERS = { 'content-type': 'application/json' };

function replyResponse(error: ChatApiError): Response {
  const reply = error.reply;
  if (reply === undefined) throw error;
  // A redirect's status cannot be given to a constructed Response body-less; report it as the gateway error it is.
  const status = reply.status >= 200 && reply.status <= 599 && (reply.status < 300 || reply.status >= 400) ? reply.status : 502;
  let text: string;
  try {
    text = typeof reply.body === 'string' ? reply.body : stringifyJson(reply.body);
  } catch {
    throw error;
  }
  return new Response(text, { status, headers: JSON_HEADERS });
}

export function apiFetch(baseUrl: string, run: RunPath): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = request.url.split(/[?#]/)[0] as string;
    const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) : new URL(url).pathname;
    const text = await request.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : parseJson(text);
    } catch {
      body = text; // not JSON: the validate stage rejects it with a message naming the body
    }
    const headers = new Headers(request.headers);
    headers.delete('content-type');
    let envelope: Envelope;
    try {
      envelope = await run(path, body, { signal: request.signal, headers });
    } catch (error) {
      if (!(error instanceof ChatApiError)) throw error;
      return replyResponse(error);
    }
    return new Response(stringifyJson(envelope), { status: 200, headers: JSON_HEADERS });
  };
}
