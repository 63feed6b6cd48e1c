// Where each request's usersig comes from: a pre-made one as given, or one signed with the secret key, reused until
// most of its lifetime has passed (signing on every call wastes CPU and makes every sig differ in logs), then renewed.
import { genUserSig } from './user-sig.js';

export interface UserSigSource {
  /** The usersig for the next request. Concurrent callers share one signing. */
  current(): Promise<string>;
  /** Drops the cached usersig after the server called it expired (70001); false when it cannot be renewed. */
  renew(): boolean;
  /** Every usersig handed out so far, and the key, for redaction. */
  secrets(): readonly string[];
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
  return { current: () => value, renew: () => false, secrets: () => [userSig] };
}

export function signingUserSig(options: SigningOptions): UserSigSource {
  let pending: Promise<string> | undefined;
  let renewAtMs = 0;
  // Every sig is a secret while it may still be valid; a short history is enough to scrub in-flight errors.
  const recent: string[] = [];
  const remember = (sig: string): string => {
    recent.push(sig);
    if (recent.length > 4) recent.shift();
    return sig;
  };
  return {
    current() {
      const nowMs = options.now();
      if (!pending || nowMs >= renewAtMs) {
        const issuedAt = Math.floor(nowMs / 1000);
        renewAtMs = nowMs + options.lifetimeSeconds * options.renewAfter * 1000;
        pending = genUserSig({
          sdkAppId: options.sdkAppId,
          identifier: options.identifier,
          secretKey: options.secretKey,
          expireSeconds: options.lifetimeSeconds,
          issuedAt,
        }).then(remember);
        // A failed signing must not be cached, or every later call would fail the same way.
        pending.catch(() => {
          pending = undefined;
        });
      }
      return pending;
    },
    renew() {
      pending = undefined;
      return true;
    },
    secrets: () => [options.secretKey, ...recent],
  };
}
