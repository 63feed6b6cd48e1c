// The five query parameters every request carries. `random` comes from the platform's cryptographic source and is
// new for every attempt; the rest only changes when the usersig is renewed, so that part is built once per usersig.

// One getRandomValues call per 1024 values: the call itself, not the entropy, is what costs at thousands of requests
// a second. Every value is handed out once.
const pool = new Uint32Array(1024);
let nextRandom = pool.length;

/** A uniformly random unsigned 32-bit integer, never handed out twice from the same draw. */
export function randomUint32(): number {
  if (nextRandom === pool.length) {
    crypto.getRandomValues(pool);
    nextRandom = 0;
  }
  return pool[nextRandom++] as number;
}

export interface AuthParams {
  sdkAppId: number;
  identifier: string;
}

/** Returns a function that gives the query string of one attempt made with a usersig. */
export function authQuery({ sdkAppId, identifier }: AuthParams): (userSig: string) => string {
  let signedFor: string | undefined;
  let prefix = '';
  return (sig) => {
    if (sig !== signedFor) {
      signedFor = sig;
      prefix = `sdkappid=${sdkAppId}&identifier=${encodeURIComponent(identifier)}&usersig=${encodeURIComponent(sig)}&random=`;
    }
    return `${prefix}${randomUint32()}&contenttype=json`;
  };
}
