// sign: every attempt gets the auth query with the current usersig and a fresh random, and remembers the sig it used.
import { expect, it } from 'vitest';
import { signStage } from '../../../src/pipeline/sign-stage.js';
import { authQuery } from '../../../src/auth-query.js';
import { fixedUserSig } from '../../../src/user-sig-source.js';
import type { Attempt } from '../../../src/pipeline/context.js';
import { hostChooser } from '../../../src/hosts.js';
import { makeAttempt, makeCall, ok } from './support.js';

it('builds the URL from the base, the path and the five parameters, and keeps the sig on the attempt', async () => {
  const seen: Attempt[] = [];
  const handler = signStage({ hosts: hostChooser({ baseUrls: ['https://host.example'], failover: false }), userSig: fixedUserSig('s+g/='), query: authQuery({ sdkAppId: 1400000000, identifier: 'admin' }) })(
    async (attempt) => (seen.push({ ...attempt }), ok()),
  );
  await handler(makeAttempt(makeCall(), { url: undefined, userSig: undefined }));
  await handler(makeAttempt(makeCall(), { url: undefined, userSig: undefined }));
  const urls = seen.map((attempt) => new URL(attempt.url ?? ''));
  expect(urls[0]?.origin + (urls[0]?.pathname ?? '')).toBe('https://host.example/v4/sns/group_get');
  expect(Object.fromEntries(urls[0]?.searchParams ?? [])).toMatchObject({ sdkappid: '1400000000', identifier: 'admin', usersig: 's+g/=', contenttype: 'json' });
  expect(urls[0]?.searchParams.get('random')).not.toBe(urls[1]?.searchParams.get('random'));
  expect(seen[0]?.userSig).toBe('s+g/=');
});
