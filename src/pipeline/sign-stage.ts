// Sign: every attempt gets the five auth query parameters, with the current usersig and a fresh random. The sig is
// kept on the attempt, so an error of this attempt is scrubbed of exactly the sig it carried.
import type { AttemptStage } from './context.js';
import type { UserSigSource } from '../user-sig-source.js';
import type { HostChooser } from '../hosts.js';

export interface SignDeps {
  /** The host of each attempt (hosts.ts), told of each failed attempt so a failed connection can fail over. */
  hosts: HostChooser;
  userSig: UserSigSource;
  /** The query string for a usersig (auth-query.ts). */
  query(userSig: string): string;
}

export function signStage({ hosts, userSig, query }: SignDeps): AttemptStage {
  return (next) => async (attempt) => {
    const sig = await userSig.current();
    attempt.userSig = sig;
    attempt.url = `${hosts.baseUrlFor(attempt.call)}${attempt.call.path}?${query(sig)}`;
    try {
      return await next(attempt);
    } catch (error) {
      hosts.failed(attempt.call, error);
      throw error;
    }
  };
}
