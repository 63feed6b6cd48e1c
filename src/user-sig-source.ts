// Where each request's usersig comes from: a pre-made one as given, or one signed with the secret key, reused until
// most of its lifetime has passed (signing on every call wastes CPU and makes every sig differ in logs), then renewed.
import { genUserSig } from './user-sig.js';

export interface UserSigSource {
  /** The usersig for the next request. Concurrent callers share one signing. */
  current(): Promise<string>;
  /**
   * Signs a new usersig after the server called `rejected` expired (70001); false when it cannot (a pre-made sig).
   * The new sig always differs from the rejected one.
   */
  renew(rejected: string | undefined): Promise<boolean>;
}

export interface SigningOptions {
  sdkAppId: number;
  identifier: string;
  secretKey: string;
  lifetimeSeconds: number;
  /** Share of the lifetime after which a new usersig is signed. */
  renewAfter: number;
  now: () => number;
}

export function fixedUserSig(userSig: string): UserSigSource {
  const value = Promise.resolve(userSig);
  return { current: () => value, renew: async () => false };
}

export function signingUserSig(options: SigningOptions): UserSigSource {
  let pending: Promise<string> | undefined;
  let issuedAt = -1;
  let renewAtMs = 0;
  const sign = (at: number): Promise<string> => {
    issuedAt = at;
    // The sig says it was issued at a whole second, and expires counting from there: renewal is timed from that
    // second too, or a short lifetime would send sigs that already expired.
    renewAtMs = (at + options.lifetimeSeconds * options.renewAfter) * 1000;
    const signing = genUserSig({
      sdkAppId: options.sdkAppId,
      identifier: options.identifier,
      secretKey: options.secretKey,
      expireSeconds: options.lifetimeSeconds,
      issuedAt: at,
    });
    pending = signing;
    // A failed signing must not be cached, or every later call would fail the same way.
    signing.catch(() => {
      if (pending === signing) pending = undefined;
    });
    return signing;
  };
  return {
    current() {
      const nowMs = options.now();
      if (!pending || nowMs >= renewAtMs) return sign(Math.floor(nowMs / 1000));
      return pending;
    },
    async renew(rejected) {
      const current = await pending?.catch(() => undefined);
      // Another call already renewed it: the sig now in use is not the one the server rejected.
      if (current !== undefined && rejected !== undefined && current !== rejected) return true;
      // Signing again within the second the rejected sig was issued would give the very same bytes, so the new sig
      // is dated at least one second later (clock skew of a second is well within what the server tolerates).
      await sign(Math.max(Math.floor(options.now() / 1000), issuedAt + 1));
      return true;
    },
  };
}
