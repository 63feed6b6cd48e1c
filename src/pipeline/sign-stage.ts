// Sign: every attempt gets the five auth query parameters, with the current usersig and a fresh random. The sig is
// kept on the attempt, so an error of this attempt is scrubbed of exactly the sig it carried.
import type { AttemptStage } from './context.js';
import type { UserSigSource } from '../user-sig-source.js';

export interface SignDeps {
  baseUrl: string;
  userSig: UserSigSource;
  /** The query string for a usersig (auth-query.ts). */
  query(userSig: string): string;
}

export function signStage({ baseUrl, userSig, query }: SignDeps): AttemptStage {
  return (next) => async (attempt) => {
    const sig = await userSig.current();
    attempt.userSig = sig;
    attempt.url = `${baseUrl}${attempt.call.path}?${query(sig)}`;
    return next(attempt);
  };
}
