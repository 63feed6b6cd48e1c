// verifyCallback: whether a callback's query parameters come from the Chat backend for this app, now. It follows the
// vendor's "Security Considerations" (worded, with a worked sample, on the LiveKit callback overview of the Chat
// documentation; openapi/NOTES.md has the sources): the receiver checks that `SdkAppid` is its own, and with webhook
// authentication on, that `Sign` is sha256(Token + RequestTime) and that `RequestTime` is no more than one minute
// from its clock ("exceeds 1 minute" is invalid, so exactly 60 s is still valid). The signature covers neither the
// body nor the other parameters; HTTPS (and the vendor's mutual-TLS option) is what protects those in transit.
import { callbackSign, constantTimeEqual } from './sign.js';

/** Why a callback was refused. */
export type CallbackRefusal =
  | 'missing SdkAppid'
  | 'other app'
  | 'missing signature'
  | 'malformed RequestTime'
  | 'stale'
  | 'bad signature';

export type CallbackVerification =
  | { ok: true; sdkAppId: number; requestTime: number; command: string | null }
  | { ok: false; reason: CallbackRefusal; message: string };

export interface VerifyCallbackOptions {
  /** The webhook authentication token set in the Chat console (1 to 128 characters). */
  token: string;
  /** This app's SDKAppID; a callback for another app is refused. */
  sdkAppId: number;
  /** The current time in Unix seconds (default: the clock). */
  now?: number;
  /** The largest allowed distance between `RequestTime` and `now`, in seconds (default 60, the vendor's one minute). */
  maxSkewSeconds?: number;
}

/** What carries a callback's query: its URL (string or URL), the Request, or the query itself. */
export type CallbackQuery = URLSearchParams | URL | Request | string | Readonly<Record<string, string | undefined>>;

export const DEFAULT_MAX_SKEW_SECONDS = 60;
const DIGITS = /^\d{1,15}$/;

function toSearchParams(input: CallbackQuery): URLSearchParams {
  if (input instanceof URLSearchParams) return input;
  if (input instanceof URL) return input.searchParams;
  if (typeof input === 'string') return input.includes('://') ? new URL(input).searchParams : new URLSearchParams(input.replace(/^\?/, ''));
  if (typeof Request !== 'undefined' && input instanceof Request) return new URL(input.url).searchParams;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) if (value !== undefined) params.set(key, value);
  return params;
}

const refuse = (reason: CallbackRefusal, message: string): CallbackVerification => ({ ok: false, reason, message });

/**
 * Checks a callback's `SdkAppid`, `RequestTime` and `Sign`. Resolves to `{ ok: true }` or to `{ ok: false, reason }`
 * with a message naming the parameter and the rule; it never throws for bad input and never echoes the token.
 */
export async function verifyCallback(input: CallbackQuery, options: VerifyCallbackOptions): Promise<CallbackVerification> {
  if (typeof options.token !== 'string' || options.token.length === 0) throw new TypeError('verifyCallback: `token` must be the non-empty webhook authentication token');
  if (!Number.isSafeInteger(options.sdkAppId) || options.sdkAppId <= 0) throw new TypeError('verifyCallback: `sdkAppId` must be a positive integer');
  const maxSkew = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  if (!Number.isFinite(maxSkew) || maxSkew < 0) throw new TypeError('verifyCallback: `maxSkewSeconds` must be a number ≥ 0');

  const query = toSearchParams(input);
  const appText = query.get('SdkAppid');
  if (appText === null || appText === '') return refuse('missing SdkAppid', 'SdkAppid: missing; every callback carries the SDKAppID it is for');
  if (appText !== String(options.sdkAppId)) return refuse('other app', `SdkAppid: ${appText.slice(0, 20)} is not this app's SDKAppID`);

  const sign = query.get('Sign');
  const timeText = query.get('RequestTime');
  if (sign === null || timeText === null) {
    return refuse('missing signature', 'Sign and RequestTime: missing; turn on webhook authentication (a token) in the Chat console');
  }
  if (!DIGITS.test(timeText)) return refuse('malformed RequestTime', 'RequestTime: must be Unix seconds in decimal digits');
  const requestTime = Number(timeText);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - requestTime) > maxSkew) {
    return refuse('stale', `RequestTime: ${requestTime} is ${Math.abs(now - requestTime)} s from now; at most ${maxSkew} s are allowed`);
  }
  const expected = await callbackSign(options.token, timeText);
  if (!constantTimeEqual(sign.toLowerCase(), expected)) return refuse('bad signature', 'Sign: is not sha256(token + RequestTime) for this app\'s token');
  return { ok: true, sdkAppId: options.sdkAppId, requestTime, command: query.get('CallbackCommand') };
}
