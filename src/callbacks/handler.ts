// createCallbackHandler: a Fetch-API handler, `(request: Request) => Promise<Response>`, for the callback URL. It
// verifies the query (verify.ts), parses the body without rounding 64-bit values (json.ts), checks it against the
// document's schema for its CallbackCommand (generated/callbacks.ts), calls the typed handler the app gave for that
// command and answers the reply envelope. Bad signature, stale or missing RequestTime: 401; another app: 403; a
// body that is not JSON or breaks the schema: 400; a method other than POST: 405.
import { callbackFacts, callbackValidators, type CallbackBody, type CallbackCommand } from '../../generated/callbacks.js';
import { parseJson } from '../json.js';
import { OK_REPLY, refusalResponse, replyResponse, type CallbackReply } from './reply.js';
import { verifyCallback, type CallbackRefusal } from './verify.js';

/** What a typed handler receives besides the body. */
export interface CallbackContext {
  command: CallbackCommand;
  /** `RequestTime` of the callback, Unix seconds. */
  requestTime: number;
  /** `ClientIP` and `OptPlatform` as sent (OptPlatform may read `IOS` for `iOS`). */
  clientIp: string | null;
  optPlatform: string | null;
  request: Request;
}

/** A typed handler: resolve to nothing (the OK envelope) or to the envelope to answer. */
export type CallbackHandlerFn<C extends CallbackCommand> = (body: CallbackBody<C>, context: CallbackContext) => void | Partial<CallbackReply> | Promise<void | Partial<CallbackReply>>;

export type CallbackHandlers = { [C in CallbackCommand]?: CallbackHandlerFn<C> };

export interface CallbackHandlerOptions {
  token: string;
  sdkAppId: number;
  handlers: CallbackHandlers;
  /**
   * The answer to a callback with no handler here (a command this package does not describe, or one left out of
   * `handlers`), once it is verified: `'ok'` (default) answers the OK envelope, which the vendor reads as "go on";
   * `'reject'` answers 404; a function decides.
   */
  unhandled?: 'ok' | 'reject' | ((command: string, body: unknown, request: Request) => Response | Promise<Response>);
  /** Largest body read, in bytes (default 1 MiB): a longer body is refused with 413 before it is parsed. */
  maxBodyBytes?: number;
  maxSkewSeconds?: number;
  /** Current Unix seconds (tests). */
  now?: () => number;
  /** Told of an error a typed handler threw; the handler answers 500 without the error's text. */
  onError?: (error: unknown, command: CallbackCommand) => void;
}

const STATUS_OF: Record<CallbackRefusal, number> = {
  'missing SdkAppid': 400,
  'other app': 403,
  'missing signature': 401,
  'malformed RequestTime': 401,
  stale: 401,
  'bad signature': 401,
};

const DEFAULT_MAX_BODY = 1024 * 1024;

const isDescribed = (command: string): command is CallbackCommand => Object.hasOwn(callbackFacts, command);

async function readBody(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > maxBytes) return null;
  return new TextDecoder().decode(bytes);
}

function schemaProblem(command: CallbackCommand, body: unknown): string | null {
  const validate = callbackValidators[command];
  if (validate(body)) return null;
  const first = validate.errors?.[0];
  const where = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : 'body';
  return `${where}: ${first?.message ?? 'breaks the schema'} (${command})`;
}

/** The Fetch-API handler for the app's callback URL. */
export function createCallbackHandler(options: CallbackHandlerOptions): (request: Request) => Promise<Response> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  // Checked once here, so a wrong token or SDKAppID fails at start-up rather than on the first callback.
  if (typeof options.token !== 'string' || options.token.length === 0) throw new TypeError('createCallbackHandler: `token` must be the non-empty webhook authentication token');
  if (!Number.isSafeInteger(options.sdkAppId) || options.sdkAppId <= 0) throw new TypeError('createCallbackHandler: `sdkAppId` must be a positive integer');
  for (const command of Object.keys(options.handlers)) {
    if (!isDescribed(command)) throw new TypeError(`createCallbackHandler: handlers.${command}: not a callback the document describes (${Object.keys(callbackFacts).join(', ')})`);
  }

  return async (request) => {
    if (request.method !== 'POST') return refusalResponse(405, `method: ${request.method}; callbacks are POST`);
    const verified = await verifyCallback(request, {
      token: options.token,
      sdkAppId: options.sdkAppId,
      ...(options.now ? { now: options.now() } : {}),
      ...(options.maxSkewSeconds === undefined ? {} : { maxSkewSeconds: options.maxSkewSeconds }),
    });
    if (!verified.ok) return refusalResponse(STATUS_OF[verified.reason], verified.message);

    const text = await readBody(request, maxBodyBytes);
    if (text === null) return refusalResponse(413, `body: longer than ${maxBodyBytes} bytes`);
    let body: unknown;
    try {
      body = parseJson(text);
    } catch {
      return refusalResponse(400, 'body: not JSON');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return refusalResponse(400, 'body: must be a JSON object');
    const inBody = (body as Record<string, unknown>)['CallbackCommand'];
    const command = verified.command ?? (typeof inBody === 'string' ? inBody : null);
    if (command === null) return refusalResponse(400, 'CallbackCommand: missing from the query and the body');
    if (inBody !== undefined && inBody !== command) return refusalResponse(400, `CallbackCommand: the body says ${JSON.stringify(inBody).slice(0, 60)}, the query ${command}`);

    const handler = isDescribed(command) ? (options.handlers[command] as CallbackHandlerFn<CallbackCommand> | undefined) : undefined;
    if (!isDescribed(command) || handler === undefined) {
      const unhandled = options.unhandled ?? 'ok';
      if (unhandled === 'ok') return replyResponse(OK_REPLY);
      if (unhandled === 'reject') return refusalResponse(404, `CallbackCommand: ${command.slice(0, 60)} has no handler here`);
      return unhandled(command, body, request);
    }
    const problem = schemaProblem(command, body);
    if (problem !== null) return refusalResponse(400, problem);

    const query = new URL(request.url).searchParams;
    const context: CallbackContext = {
      command,
      requestTime: verified.requestTime,
      clientIp: query.get('ClientIP'),
      optPlatform: query.get('OptPlatform'),
      request,
    };
    try {
      const answer = await handler(body as CallbackBody<CallbackCommand>, context);
      return replyResponse({ ...OK_REPLY, ...(answer ?? {}) });
    } catch (error) {
      options.onError?.(error, command);
      return refusalResponse(500, `${command}: the handler failed`);
    }
  };
}
