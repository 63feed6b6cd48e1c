// Sign: the usersig's owner, and where an attempt goes. Every attempt gets its host (the region's primary, or its
// backup after a failed connection when failover is on: hosts.ts) and the five auth query parameters, with the
// current usersig and a fresh random; the attempt carries the secrets an error of it must be scrubbed of. When the server says the usersig is
// expired or invalid (a code the document marks `resign`), a new one is signed and the request sent once more: a
// renewed usersig is a different request, not a repeat of a failing one, so it spends no retry. It goes back through
// the throttle stage for a permit like any request.
import { ChatApiError, needsResign } from '../errors.js';
import { callHook } from './hook-call.js';
import type { Attempt, Exchange, SignedAttempt } from './context.js';
import type { UserSigSource } from '../user-sig-source.js';
import type { ClientHooks } from '../types.js';
import type { HostChooser } from '../hosts.js';

export interface SignDeps {
  /** The host of each attempt (hosts.ts), told of each failed attempt so a failed connection can fail over. */
  hosts: HostChooser;
  userSig: UserSigSource;
  /** The query string for a usersig (auth-query.ts). */
  query(userSig: string): string;
  /** The secret key, when the client signs: scrubbed from whatever escapes an attempt. */
  secretKey: string | undefined;
  hooks: ClientHooks;
}

export function signStage(deps: SignDeps): (next: Exchange<SignedAttempt>) => Exchange {
  const signed = (attempt: Attempt, userSig: string): SignedAttempt => ({
    ...attempt,
    url: `${deps.hosts.baseUrlFor(attempt.call)}${attempt.call.path}?${deps.query(userSig)}`,
    secrets: deps.secretKey === undefined ? [userSig] : [deps.secretKey, userSig],
  });
  return (next) => async (attempt) => {
    const userSig = await deps.userSig.current();
    try {
      return await next(signed(attempt, userSig));
    } catch (error) {
      deps.hosts.failed(attempt.call, error);
      if (!(error instanceof ChatApiError) || !needsResign(error) || attempt.call.retry === false) throw error;
      if (!(await deps.userSig.renew(userSig))) throw error;
      const { call } = attempt;
      await callHook(deps.hooks.onRetry, { operation: call.name, path: call.path, attempt: error.attempts, reason: 'resign', error, delayMs: 0 });
      return next(signed({ call, sent: error.attempts }, await deps.userSig.current()));
    }
  };
}
