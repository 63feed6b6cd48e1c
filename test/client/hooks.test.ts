// Client hooks (onRequest, onReply, onRetry) for logging, tracing and metrics, default headers and the user agent.
// Events carry no credentials.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ReplyEvent, RequestEvent, RetryEvent } from '../../src/types.js';
import { reply, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { makeClient } from './helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.close();
});

function recordingHooks() {
  const requests: RequestEvent[] = [];
  const replies: ReplyEvent[] = [];
  const retries: RetryEvent[] = [];
  return {
    requests, replies, retries,
    hooks: {
      onRequest: (event: RequestEvent) => requests.push(event),
      onReply: (event: ReplyEvent) => replies.push(event),
      onRetry: (event: RetryEvent) => retries.push(event),
    },
  };
}

it('onRequest before each attempt, onReply after each reply, onRetry with the reason and the delay', async () => {
  fake.replySequence(reply.html(502), reply.fail(60007, 'too many'), reply.fail(70001, 'expired'), reply.ok());
  const recorded = recordingHooks();
  await makeClient(fake, { hooks: recorded.hooks, retry: { baseDelayMs: 4, maxDelayMs: 4 } }).getFriendLists({ From_Account: 'alice' });
  expect(fake.requests).toHaveLength(4);
  expect(recorded.requests.map((event) => [event.operation, event.path, event.attempt])).toEqual([
    ['getFriendLists', '/v4/sns/group_get', 1],
    ['getFriendLists', '/v4/sns/group_get', 2],
    ['getFriendLists', '/v4/sns/group_get', 3],
    ['getFriendLists', '/v4/sns/group_get', 4],
  ]);
  expect(recorded.replies.map((event) => event.status)).toEqual([502, 200, 200, 200]);
  expect(recorded.replies.every((event) => event.durationMs >= 0)).toBe(true);
  expect(recorded.retries.map((event) => [event.attempt, event.reason, event.error.code])).toEqual([
    [1, 'error', 'HTTP_ERROR'],
    [2, 'rateLimit', 60007],
    [3, 'resign', 70001],
  ]);
  const [backoff] = recorded.retries;
  expect(backoff?.delayMs).toBeGreaterThanOrEqual(0);
  expect(backoff?.delayMs).toBeLessThan(4);
  // No credentials in any event.
  const sig = fake.requests[0]?.query['usersig'] ?? '';
  expect(JSON.stringify([recorded.requests.map((e) => [...e.headers]), recorded.replies, recorded.retries])).not.toContain(sig);
});

it('default headers and the user agent go with every request; a call’s own headers win', async () => {
  const client = makeClient(fake, { headers: { 'x-team': 'ops', 'x-trace': 'default' }, userAgent: 'my-service/1.2' });
  await client.getFriendLists({ From_Account: 'alice' });
  await client.getFriendLists({ From_Account: 'alice' }, { headers: { 'x-trace': 'call-7' } });
  expect(fake.requests.map((request) => [request.headers['x-team'], request.headers['x-trace'], request.headers['user-agent']])).toEqual([
    ['ops', 'default', 'my-service/1.2'],
    ['ops', 'call-7', 'my-service/1.2'],
  ]);
  expect(fake.requests[0]?.headers['content-type']).toMatch(/^application\/json/);
});

it('the default user agent names the client', async () => {
  await makeClient(fake).getFriendLists({ From_Account: 'alice' });
  expect(fake.requests[0]?.headers['user-agent']).toMatch(/^tim-rest-client/);
});

it('a hook that throws fails the call with its own error, once, not as a retried network error', async () => {
  const broken = new Error('metrics backend down');
  const client = makeClient(fake, { hooks: { onReply: () => {
    throw broken;
  } } });
  await expect(client.getFriendLists({ From_Account: 'alice' })).rejects.toBe(broken);
  expect(fake.requests).toHaveLength(1);
});
