// `client.api` is an openapi-fetch client whose `fetch` is this adapter: each request it builds is taken apart
// (path, JSON body, signal, headers) and run through the same pipeline as every other call, then the outcome is
// handed back as a Response for openapi-fetch to unpack:
// - success: HTTP 200 with the envelope as JSON, written from the losslessly parsed reply;
// - a failure the server answered (a FAIL envelope, a non-2xx reply), after the pipeline's retries: the reply's
//   status and body, scrubbed of the usersig, so `data`/`error` hold what the server said;
// - a failure without a reply (invalid body, timeout, network, abort): fetch rejects with the ChatApiError.
// The Response carries no URL, so nothing of the auth query (usersig included) is reachable from it.
import { ChatApiError } from '../errors.js';
import { parseJson, stringifyJson } from '../json.js';
import { replyBehind } from './envelope-stage.js';
import type { Envelope } from './context.js';
import type { CallOptions } from '../types.js';

export type RunPath = (path: string, body: unknown, options: CallOptions) => Promise<Envelope>;

const JSON_HEADERS = { 'content-type': 'application/json' };

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
    try {
      const envelope = await run(path, body, { signal: request.signal, headers });
      return new Response(stringifyJson(envelope), { status: 200, headers: JSON_HEADERS });
    } catch (error) {
      const reply = error instanceof ChatApiError ? replyBehind(error) : undefined;
      if (!reply) throw error;
      // A redirect's status cannot be given to a constructed Response body-less; report it as the gateway error it is.
      const status = reply.status >= 200 && reply.status <= 599 && (reply.status < 300 || reply.status >= 400) ? reply.status : 502;
      return new Response(reply.text, { status, headers: JSON_HEADERS });
    }
  };
}
