// The openapi-fetch middleware that adds the five query parameters every call carries.
import type { Middleware } from 'openapi-fetch';
import type { UserSigSource } from './user-sig-source.js';

/** A uniformly random unsigned 32-bit integer from the platform's cryptographic source. */
export function randomUint32(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] as number;
}

export interface AuthParams {
  sdkAppId: number;
  identifier: string;
  userSig: UserSigSource;
}

/** The query string of one attempt; `random` is new on every call of this function, so on every attempt. */
export async function authQuery({ sdkAppId, identifier, userSig }: AuthParams): Promise<string> {
  const sig = await userSig.current();
  return `sdkappid=${sdkAppId}&identifier=${encodeURIComponent(identifier)}&usersig=${encodeURIComponent(sig)}&random=${randomUint32()}&contenttype=json`;
}

export function authMiddleware(params: AuthParams): Middleware {
  return {
    async onRequest({ request }) {
      const url = new URL(request.url);
      url.search = await authQuery(params);
      return new Request(url, request);
    },
  };
}
