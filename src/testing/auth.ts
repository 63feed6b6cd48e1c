// The five authentication query parameters as the vendor checks them, with the UserSig verified by the package's own
// verifyUserSig against the app's secret key at the fake's clock. Verdicts of valid signatures are cached until they
// expire, so a fast caller does not pay an inflate and an HMAC per request.
import { verifyUserSig, type VerifyUserSigFailure } from '../user-sig.js';
import { vendorCodes } from './vendor-codes.js';

export interface AppCredentials {
  sdkAppId: number;
  secretKey: string;
  /** App admin accounts; calls made as any other identifier fail with the operation's admin-permission code. */
  admins: readonly string[];
}

/** The auth parameters of a call as recorded for assertions: everything but the usersig. */
export interface RecordedAuth {
  sdkappid: string | null;
  identifier: string | null;
  random: string | null;
  contenttype: string | null;
}

export type AuthVerdict = { ok: true; identifier: string; admin: boolean } | { ok: false; code: number; info: string };

const FAILURE_CODES: Record<VerifyUserSigFailure, { code: number; info: string }> = {
  malformed: { code: vendorCodes.userSigMalformed, info: 'the usersig is invalid (cannot be decoded)' },
  'wrong app': { code: vendorCodes.userSigWrongApp, info: 'the usersig was signed for another sdkappid' },
  'wrong identifier': { code: vendorCodes.userSigWrongIdentifier, info: 'the usersig was signed for another identifier' },
  'bad signature': { code: vendorCodes.userSigBadSignature, info: 'the usersig failed verification (wrong secret key?)' },
  expired: { code: vendorCodes.userSigExpired, info: 'the usersig has expired' },
};

const MAX_UINT32 = 4294967295;
const CACHE_SIZE = 64;

export function recordedAuth(query: URLSearchParams): RecordedAuth {
  return {
    sdkappid: query.get('sdkappid'),
    identifier: query.get('identifier'),
    random: query.get('random'),
    contenttype: query.get('contenttype'),
  };
}

export function authChecker(app: AppCredentials): (query: URLSearchParams, nowMs: number) => Promise<AuthVerdict> {
  const valid = new Map<string, number>(); // `${identifier}\n${usersig}` → expiresAt (s)
  return async (query, nowMs) => {
    const sdkappid = query.get('sdkappid');
    const identifier = query.get('identifier');
    const userSig = query.get('usersig');
    const random = query.get('random');
    if (!sdkappid) return { ok: false, code: vendorCodes.missingSdkAppId, info: 'sdkappid is missing' };
    if (!/^\d{1,10}$/.test(sdkappid) || Number(sdkappid) !== app.sdkAppId) {
      return { ok: false, code: vendorCodes.unknownApp, info: `sdkappid ${sdkappid} is not an app of this server` };
    }
    if (!identifier) return { ok: false, code: vendorCodes.missingIdentifier, info: 'identifier is missing' };
    if (random === null || !/^\d{1,10}$/.test(random) || Number(random) > MAX_UINT32) {
      return { ok: false, code: vendorCodes.badQuery, info: 'random must be an unsigned 32-bit integer' };
    }
    if (query.get('contenttype') !== 'json') return { ok: false, code: vendorCodes.badQuery, info: 'contenttype must be json' };
    if (!userSig) return { ok: false, code: vendorCodes.userSigEmpty, info: 'usersig is empty' };

    const now = Math.floor(nowMs / 1000);
    const key = `${identifier}\n${userSig}`;
    const cachedExpiry = valid.get(key);
    if (cachedExpiry === undefined || now >= cachedExpiry) {
      const verdict = await verifyUserSig(userSig, { sdkAppId: app.sdkAppId, identifier, secretKey: app.secretKey, now });
      if (!verdict.ok) {
        valid.delete(key);
        return { ok: false, ...FAILURE_CODES[verdict.reason] };
      }
      if (valid.size >= CACHE_SIZE) valid.delete(valid.keys().next().value as string);
      valid.set(key, verdict.expiresAt);
    }
    return { ok: true, identifier, admin: app.admins.includes(identifier) };
  };
}
