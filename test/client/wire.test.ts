// What goes on the wire: method, path per operation, the five query parameters, the JSON body and its content type;
// the usersig verifies, is signed once and shared; `random` is a fresh uint32 per request, retries included.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { operations, type OperationId } from '../../generated/api-facts.js';
import * as userSigModule from '../../src/user-sig.js';
import { verifyUserSig } from '../../src/user-sig.js';
import { reply, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { IDENTIFIER, SDK_APP_ID, SECRET_KEY, accountsNamed, decodeUserSig, makeClient, makeUserSigClient, specifiedFriendsBody } from './helpers.js';

// genUserSig wrapped in a spy (same behaviour) so the tests can count signings.
vi.mock('../../src/user-sig.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/user-sig.js')>();
  return { ...original, genUserSig: vi.fn(original.genUserSig) };
});
const genUserSig = vi.mocked(userSigModule.genUserSig);

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
  genUserSig.mockClear();
});
afterEach(async () => {
  await fake.close();
});

/** A valid request body for each operation. */
const bodies: { [Op in OperationId]: Record<string, unknown> } = {
  getFriendLists: { From_Account: 'alice', NeedFriend: 'Need_Friend_Type_Yes', GroupName: ['colleagues', '同事'] },
  getSpecifiedFriends: specifiedFriendsBody(['bob', 'carol']),
  getAppGroups: { Limit: 50, Next: 0, GroupType: 'Public' },
  getConversationGroupMarks: { From_Account: 'alice', StartIndex: 0 },
};

/** A reply that also ends pagination, so one call is one request for every operation. */
const okLastPage = reply.ok({ Next: 0, CompleteFlag: 1 });

describe('request shape', () => {
  for (const operation of Object.keys(operations) as OperationId[]) {
    it(`${operation}: POST ${operations[operation].path}, five query parameters, JSON body as given`, async () => {
      fake.handle(() => okLastPage);
      const client = makeClient(fake);
      const body = bodies[operation];
      const result = await (client[operation] as (b: unknown) => Promise<Record<string, unknown>>)(body);
      expect(result['ActionStatus']).toBe('OK');

      expect(fake.requests).toHaveLength(1);
      const [request] = fake.requests;
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe(operations[operation].path);
      expect(Object.keys(request?.query ?? {}).sort()).toEqual(['contenttype', 'identifier', 'random', 'sdkappid', 'usersig']);
      expect(request?.query).toMatchObject({ sdkappid: String(SDK_APP_ID), identifier: IDENTIFIER, contenttype: 'json' });
      expect(request?.query['random']).toMatch(/^\d+$/);
      expect(request?.headers['content-type']).toMatch(/^application\/json\b/);
      expect(request?.json()).toEqual(body);
    });
  }

  it('percent-encodes an identifier that needs it, and the server reads back the same identifier', async () => {
    const identifier = 'admin+ops &=?/张';
    const client = makeClient(fake, { identifier });
    await client.getFriendLists({ From_Account: 'alice' });
    expect(fake.requests[0]?.query['identifier']).toBe(identifier);
    const verdict = await verifyUserSig(fake.requests[0]?.query['usersig'] ?? '', { sdkAppId: SDK_APP_ID, identifier, secretKey: SECRET_KEY });
    expect(verdict.ok).toBe(true);
  });
});

describe('usersig', () => {
  it('verifies for the key, app and identifier of the client', async () => {
    const client = makeClient(fake);
    await client.getFriendLists({ From_Account: 'alice' });
    const sig = fake.requests[0]?.query['usersig'] ?? '';
    expect(await verifyUserSig(sig, { sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY })).toMatchObject({ ok: true });
    // …and not for another key or account, so the check above is not vacuous.
    expect(await verifyUserSig(sig, { sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: 'f'.repeat(64) })).toEqual({ ok: false, reason: 'bad signature' });
    expect(await verifyUserSig(sig, { sdkAppId: SDK_APP_ID, identifier: 'someone-else', secretKey: SECRET_KEY })).toEqual({ ok: false, reason: 'wrong identifier' });
  });

  it('is signed once and reused by later calls', async () => {
    const client = makeClient(fake);
    for (let i = 0; i < 5; i++) await client.getFriendLists({ From_Account: `user${i}` });
    await client.getConversationGroupMarks({ From_Account: 'alice', StartIndex: 0 });
    const sigs = new Set(fake.requests.map((request) => request.query['usersig']));
    expect(fake.requests).toHaveLength(6);
    expect(sigs.size).toBe(1);
    expect(genUserSig).toHaveBeenCalledTimes(1);
  });

  it('is signed once for many concurrent first calls', async () => {
    const client = makeClient(fake);
    await Promise.all(accountsNamed(25).map((account) => client.getFriendLists({ From_Account: account })));
    expect(fake.requests).toHaveLength(25);
    expect(new Set(fake.requests.map((request) => request.query['usersig'])).size).toBe(1);
    expect(genUserSig).toHaveBeenCalledTimes(1);
  });

  it('is the same on every attempt of a retried call', async () => {
    fake.replySequence(reply.empty(500), reply.empty(500), reply.ok());
    const client = makeClient(fake);
    await client.getFriendLists({ From_Account: 'alice' });
    expect(fake.requests).toHaveLength(3);
    expect(new Set(fake.requests.map((request) => request.query['usersig'])).size).toBe(1);
    expect(genUserSig).toHaveBeenCalledTimes(1);
  });

  it('is renewed once three quarters of its lifetime have passed, not before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2025-03-01T08:00:00Z'));
      const client = makeClient(fake, { userSigLifetimeSeconds: 1000 });
      await client.getFriendLists({ From_Account: 'alice' });
      vi.setSystemTime(Date.now() + 749_000);
      await client.getFriendLists({ From_Account: 'alice' });
      vi.setSystemTime(Date.now() + 2_000);
      await client.getFriendLists({ From_Account: 'alice' });
      const [first, second, third] = fake.requests.map((request) => request.query['usersig'] ?? '');
      expect(second).toBe(first);
      expect(third).not.toBe(first);
      expect(genUserSig).toHaveBeenCalledTimes(2);
      expect(decodeUserSig(first ?? '')['TLS.expire']).toBe(1000);
      expect(Number(decodeUserSig(third ?? '')['TLS.time']) - Number(decodeUserSig(first ?? '')['TLS.time'])).toBe(751);
      const verdict = await verifyUserSig(third ?? '', { sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY });
      expect(verdict.ok).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('is sent as given when the client holds a pre-made usersig, and nothing is signed', async () => {
    const premade = await userSigModule.genUserSig({ sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, expireSeconds: 3600 });
    genUserSig.mockClear();
    const client = makeUserSigClient(fake, premade);
    await client.getFriendLists({ From_Account: 'alice' });
    expect(fake.requests[0]?.query['usersig']).toBe(premade);
    expect(genUserSig).not.toHaveBeenCalled();
  });
});

describe('random', () => {
  it('is an unsigned 32-bit integer, different on each of 1000 calls made 50 at a time', async () => {
    // Taken where the client hands each request to fetch, with an in-memory fetch: the subject is the random values,
    // so no socket, timer or loaded CPU can fail it. The first reply is held until a second request has come, so
    // calls provably overlap (an event, not a timer); retry: false, so a failure fails loudly instead of adding sends.
    const handed: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let secondArrived: () => void = () => {};
    const second = new Promise<void>((resolve) => {
      secondArrived = resolve;
    });
    const inMemoryFetch = async (request: Request): Promise<Response> => {
      handed.push(new URL(request.url).searchParams.get('random') ?? '');
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (handed.length === 2) secondArrived();
      if (handed.length === 1) await second;
      await Promise.resolve();
      inFlight -= 1;
      return new Response('{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}', { headers: { 'content-type': 'application/json' } });
    };
    const client = makeClient(fake, { retry: false, fetch: inMemoryFetch });
    const total = 1000;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < total) {
        const i = next++;
        await client.getFriendLists({ From_Account: `user${i}` });
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));

    expect(handed, 'one request per call').toHaveLength(total);
    expect(maxInFlight, 'calls overlapped').toBeGreaterThan(1);
    const randoms = handed;
    for (const text of randoms) {
      expect(text).toMatch(/^(0|[1-9]\d*)$/);
      const value = Number(text);
      expect(Number.isInteger(value) && value >= 0 && value <= 4294967295, text).toBe(true);
    }
    // Honest uint32 draws repeat among 1000 about once in 8600 runs, and twice about once in 10^8 runs; a
    // constant, counter-like or low-entropy source repeats far more. Allowing one repeat keeps the test from flaking.
    const repeated = randoms.filter((value, i) => randoms.indexOf(value) !== i);
    expect(repeated.length, `random values sent more than once: ${repeated.join(', ')}`).toBeLessThanOrEqual(1);
  });

  it('is new on every attempt of one call', async () => {
    fake.replySequence(reply.html(502), reply.fail(70500, 'internal error'), reply.ok());
    const client = makeClient(fake, { retry: { retries: 2, baseDelayMs: 0, maxDelayMs: 0 } });
    await client.getFriendLists({ From_Account: 'alice' });
    expect(fake.requests).toHaveLength(3);
    const randoms = fake.requests.map((request) => request.query['random']);
    expect(new Set(randoms).size).toBe(3);
  });
});

describe('request body encoding', () => {
  it('writes a bigint cursor with every digit', async () => {
    const client = makeClient(fake);
    await client.getAppGroups({ Limit: 10, Next: 18446744073709551615n });
    expect(fake.requests[0]?.rawBody).toBe('{"Limit":10,"Next":18446744073709551615}');
  });

  it('sends the same body on every attempt', async () => {
    fake.replySequence(reply.reset(), reply.ok());
    const client = makeClient(fake);
    const body = specifiedFriendsBody(['bob', 'carol']);
    await client.getSpecifiedFriends(body);
    expect(fake.requests.map((request) => request.rawBody)).toEqual([JSON.stringify(body), JSON.stringify(body)]);
  });
});
