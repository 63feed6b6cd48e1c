// sign: every attempt gets the auth query with the current usersig and a fresh random, carries the secrets its errors
// are scrubbed of, and a usersig the server calls expired is renewed and the request sent once more.
import { expect, it } from 'vitest';
import { signStage } from '../../../src/pipeline/sign-stage.js';
import { authQuery } from '../../../src/auth-query.js';
import { fixedUserSig, type UserSigSource } from '../../../src/user-sig-source.js';
import { ChatApiError } from '../../../src/errors.js';
import type { SignedAttempt } from '../../../src/pipeline/context.js';
import type { RetryEvent } from '../../../src/types.js';
import { hostChooser } from '../../../src/hosts.js';
import { makeCall, ok, unsigned } from './support.js';

const query = authQuery({ sdkAppId: 1400000000, identifier: 'admin' });
const host = (baseUrl: string) => hostChooser({ baseUrls: [baseUrl], failover: false });
const expired = (attempts: number) =>
  new ChatApiError('expired', { code: 70001, info: 'sig expired', operation: 'getFriendLists', httpStatus: 200, retryable: false, attempts });

/** A usersig source that signs sig1, sig2…, renewing only from the sig it handed out last. */
function countingSigs(): UserSigSource & { renewedFrom: (string | undefined)[] } {
  let n = 1;
  const renewedFrom: (string | undefined)[] = [];
  return {
    renewedFrom,
    current: async () => `sig${n}`,
    renew: async (rejected) => (renewedFrom.push(rejected), (n += 1), true),
  };
}

it('builds the URL from the base, the path and the five parameters; the attempt carries its secrets', async () => {
  const seen: SignedAttempt[] = [];
  const handler = signStage({ hosts: host('https://host.example'), userSig: fixedUserSig('s+g/='), query, secretKey: 'KEY', hooks: {} })(
    async (attempt) => (seen.push(attempt), ok()),
  );
  await handler(unsigned());
  await handler(unsigned());
  const urls = seen.map((attempt) => new URL(attempt.url));
  expect(urls[0]?.origin + (urls[0]?.pathname ?? '')).toBe('https://host.example/v4/sns/group_get');
  expect(Object.fromEntries(urls[0]?.searchParams ?? [])).toMatchObject({ sdkappid: '1400000000', identifier: 'admin', usersig: 's+g/=', contenttype: 'json' });
  expect(urls[0]?.searchParams.get('random')).not.toBe(urls[1]?.searchParams.get('random'));
  expect(seen[0]?.secrets).toEqual(['KEY', 's+g/=']);
});

it('an expired sig is renewed from the sig the server rejected and sent once more, as request number 2', async () => {
  const sigs = countingSigs();
  const seen: SignedAttempt[] = [];
  const events: RetryEvent[] = [];
  const handler = signStage({ hosts: host('https://h'), userSig: sigs, query, secretKey: 'KEY', hooks: { onRetry: (event) => void events.push(event) } })(async (attempt) => {
    seen.push(attempt);
    if (seen.length === 1) throw expired(attempt.sent + 1);
    return ok();
  });
  await expect(handler(unsigned())).resolves.toMatchObject({ ActionStatus: 'OK' });
  expect(sigs.renewedFrom).toEqual(['sig1']);
  expect(seen.map((attempt) => [new URL(attempt.url).searchParams.get('usersig'), attempt.sent])).toEqual([['sig1', 0], ['sig2', 1]]);
  expect(events).toMatchObject([{ reason: 'resign', attempt: 1, delayMs: 0 }]);
});

it('re-signs at most once; a fixed usersig and retry: false are never re-signed', async () => {
  const sigs = countingSigs();
  let sent = 0;
  const always = signStage({ hosts: host('https://h'), userSig: sigs, query, secretKey: 'KEY', hooks: {} })(async (attempt) => {
    sent += 1;
    throw expired(attempt.sent + 1);
  });
  await expect(always(unsigned())).rejects.toMatchObject({ code: 70001, attempts: 2 });
  expect(sent).toBe(2);

  sent = 0;
  const fixed = signStage({ hosts: host('https://h'), userSig: fixedUserSig('premade'), query, secretKey: undefined, hooks: {} })(async (attempt) => {
    sent += 1;
    throw expired(attempt.sent + 1);
  });
  await expect(fixed(unsigned())).rejects.toMatchObject({ attempts: 1 });
  await expect(always(unsigned(makeCall({ retry: false })))).rejects.toMatchObject({ attempts: 1 });
  expect(sent).toBe(2);
});
