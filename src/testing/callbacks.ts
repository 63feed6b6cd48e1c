// The fake vendor's side of callbacks: it signs callbacks as the Chat backend does (Sign = sha256(token +
// RequestTime), SdkAppid, CallbackCommand, contenttype, ClientIP, OptPlatform in the query) and sends them to a URL or
// straight to a Fetch-API handler, well signed or deliberately wrong, so receiving code is tested offline.
import { callbackExamples, type CallbackBody, type CallbackCommand } from '../../generated/callbacks.js';
import { callbackSign } from '../callbacks/sign.js';
import { stringifyJson } from '../json.js';

/**
 * How the callback is signed: `valid`; `bad-signature` (Sign made with another token); `stale` (RequestTime older
 * than the vendor's one minute); `other-app` (well signed, for another SDKAppID); `unsigned` (no Sign, no
 * RequestTime: webhook authentication off).
 */
export type CallbackVariant = 'valid' | 'bad-signature' | 'stale' | 'other-app' | 'unsigned';

export const CALLBACK_VARIANTS: readonly CallbackVariant[] = ['valid', 'bad-signature', 'stale', 'other-app', 'unsigned'];

export interface CallbackSenderOptions {
  sdkAppId: number;
  /** The webhook authentication token the receiver is configured with. */
  token: string;
  /** The receiver's callback URL (default `https://app.example/callback`, for handlers called directly). */
  url?: string | URL;
  /** Unix seconds the sender stamps as RequestTime (default: the clock). */
  now?: () => number;
}

export interface SendCallbackOptions {
  variant?: CallbackVariant;
  clientIp?: string;
  /** Default `RESTAPI`; `IOS` plays the vendor's spelling quirk. */
  optPlatform?: string;
  /** Seconds added to RequestTime (a sender clock ahead, or behind when negative). */
  skewSeconds?: number;
}

/** One of the document's webhook examples. */
export interface CallbackExample {
  command: CallbackCommand;
  name: string;
  summary: string;
  value: unknown;
}

/** Where a callback goes: a URL (sent with fetch) or a handler called in-process. */
export type CallbackTarget = string | URL | ((request: Request) => Promise<Response>);

export interface CallbackSender {
  /** The signed request, not sent. */
  request(command: string, body: unknown, options?: SendCallbackOptions): Promise<Request>;
  /** Signs and sends one callback; resolves to the receiver's answer. */
  send<C extends CallbackCommand>(target: CallbackTarget, command: C | (string & {}), body: CallbackBody<C> | unknown, options?: SendCallbackOptions): Promise<Response>;
  /** Every body example of the document's webhooks. */
  readonly examples: readonly CallbackExample[];
}

/** 61 s: one second past the vendor's one-minute window. */
export const STALE_SECONDS = 61;

/** Makes a sender of signed callbacks for one app and token. */
export function createCallbackSender(options: CallbackSenderOptions): CallbackSender {
  const base = new URL(options.url ?? 'https://app.example/callback');
  const clock = options.now ?? (() => Math.floor(Date.now() / 1000));

  const request = async (command: string, body: unknown, send: SendCallbackOptions = {}): Promise<Request> => {
    const variant = send.variant ?? 'valid';
    const url = new URL(base);
    const requestTime = clock() + (send.skewSeconds ?? 0) - (variant === 'stale' ? STALE_SECONDS : 0);
    url.searchParams.set('SdkAppid', String(variant === 'other-app' ? options.sdkAppId + 1 : options.sdkAppId));
    url.searchParams.set('CallbackCommand', command);
    url.searchParams.set('contenttype', 'json');
    url.searchParams.set('ClientIP', send.clientIp ?? '127.0.0.1');
    url.searchParams.set('OptPlatform', send.optPlatform ?? 'RESTAPI');
    if (variant !== 'unsigned') {
      const token = variant === 'bad-signature' ? `${options.token}-not-the-token` : options.token;
      url.searchParams.set('Sign', await callbackSign(token, requestTime));
      url.searchParams.set('RequestTime', String(requestTime));
    }
    return new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stringifyJson(body) });
  };

  return {
    request,
    async send(target, command, body, send) {
      const signed = await request(command, body, send);
      if (typeof target === 'function') return target(signed);
      const url = new URL(signed.url);
      const to = new URL(target);
      url.protocol = to.protocol;
      url.host = to.host;
      url.pathname = to.pathname;
      return fetch(url, { method: 'POST', headers: signed.headers, body: await signed.text() });
    },
    examples: callbackExamples,
  };
}
