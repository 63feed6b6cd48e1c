// The handler on callbacks the fake makes from the document's examples: every example accepted when signed and
// refused when not; typed dispatch, the reply envelope, lossless 64-bit values, schema and method refusals.
import { describe, expect, it, vi } from 'vitest';
import { createCallbackHandler, type CallbackHandlers } from '../../src/callbacks/index.js';
import { createCallbackSender, STALE_SECONDS } from '../../src/testing/index.js';
import { callbackExamples, callbackFacts } from '../../generated/callbacks.js';

const TOKEN = 'callback-token-for-tests';
const APP = 1400000000;
const NOW = 1_700_000_000;
const sender = createCallbackSender({ sdkAppId: APP, token: TOKEN, now: () => NOW });

function recordingHandler(extra: Partial<Parameters<typeof createCallbackHandler>[0]> = {}) {
  const seen: { command: string; body: unknown }[] = [];
  const handlers: CallbackHandlers = {};
  for (const command of Object.keys(callbackFacts) as (keyof typeof callbackFacts)[]) {
    (handlers as Record<string, unknown>)[command] = (body: unknown) => {
      seen.push({ command, body });
    };
  }
  return { seen, handle: createCallbackHandler({ token: TOKEN, sdkAppId: APP, handlers, now: () => NOW, ...extra }) };
}

describe('createCallbackHandler on the document examples', () => {
  it('has examples for every described callback', () => {
    expect(new Set(callbackExamples.map((e) => e.command))).toEqual(new Set(Object.keys(callbackFacts)));
  });

  it.each(callbackExamples.map((e) => [e.command, e.name, e] as const))('accepts %s (%s) when signed, with the OK envelope', async (_c, _n, example) => {
    const { seen, handle } = recordingHandler();
    const response = await sender.send(handle, example.command, example.value);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    expect(seen).toEqual([{ command: example.command, body: example.value }]);
  });

  it.each(callbackExamples.flatMap((e) => (['bad-signature', 'stale', 'other-app', 'unsigned'] as const).map((variant) => [e.command, variant, e] as const)))(
    'refuses %s sent %s, without calling its handler',
    async (_c, variant, example) => {
      const { seen, handle } = recordingHandler();
      const response = await sender.send(handle, example.command, example.value, { variant });
      expect(response.status).toBe(variant === 'other-app' ? 403 : 401);
      const reply = (await response.json()) as { ActionStatus: string; ErrorInfo: string };
      expect(reply.ActionStatus).toBe('FAIL');
      expect(reply.ErrorInfo).toMatch(variant === 'other-app' ? /SdkAppid/ : /Sign|RequestTime/);
      expect(JSON.stringify(reply)).not.toContain(TOKEN);
      expect(seen).toEqual([]);
    },
  );
});

describe('createCallbackHandler', () => {
  const friendAdd = callbackExamples.find((e) => e.command === 'Sns.CallbackFriendAdd')!.value as Record<string, unknown>;

  it('gives the typed handler the body and the context, and answers what it returns', async () => {
    const handle = createCallbackHandler({
      token: TOKEN,
      sdkAppId: APP,
      now: () => NOW,
      handlers: {
        'Sns.CallbackFriendAdd': (body, context) => {
          const pairs: string[] = body.PairList.map((pair) => `${pair.From_Account}>${pair.To_Account}`);
          return { ErrorInfo: `${pairs.length} ${context.optPlatform} ${context.clientIp} ${context.requestTime}` };
        },
      },
    });
    const response = await sender.send(handle, 'Sns.CallbackFriendAdd', friendAdd, { optPlatform: 'IOS', clientIp: '10.0.0.1' });
    expect(await response.json()).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: `3 IOS 10.0.0.1 ${NOW}` });
  });

  it('keeps integers beyond 2^53 exact (a decimal string), as replies are parsed', async () => {
    const bodies: unknown[] = [];
    const handle = createCallbackHandler({ token: TOKEN, sdkAppId: APP, now: () => NOW, handlers: {}, unhandled: (_c, body) => (bodies.push(body), new Response('seen')) });
    const request = await sender.request('Group.CallbackAfterNewMemberJoin', {});
    const response = await handle(new Request(request.url, { method: 'POST', body: '{"CallbackCommand":"Group.CallbackAfterNewMemberJoin","Seq":18446744073709551615}' }));
    expect(await response.text()).toBe('seen');
    expect(bodies).toEqual([{ CallbackCommand: 'Group.CallbackAfterNewMemberJoin', Seq: '18446744073709551615' }]);
  });

  it('refuses a body that breaks the schema with 400 naming the field', async () => {
    const { seen, handle } = recordingHandler();
    const response = await sender.send(handle, 'Sns.CallbackFriendAdd', { ...friendAdd, PairList: [{ From_Account: 'a' }] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { ErrorInfo: string }).ErrorInfo).toMatch(/^PairList\.0: .*To_Account/);
    expect(seen).toEqual([]);
  });

  it('refuses a body that is not JSON, a command that differs from the query, and a GET', async () => {
    const { handle } = recordingHandler();
    const signed = await sender.request('Sns.CallbackFriendAdd', friendAdd);
    expect((await handle(new Request(signed.url, { method: 'POST', body: '{not json' }))).status).toBe(400);
    const other = await sender.send(handle, 'Sns.CallbackFriendAdd', { ...friendAdd, CallbackCommand: 'Sns.CallbackFriendDelete' });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { ErrorInfo: string }).ErrorInfo).toMatch(/CallbackCommand/);
    expect((await handle(new Request(signed.url, { method: 'GET' }))).status).toBe(405);
  });

  it('refuses a body over maxBodyBytes with 413 before parsing it', async () => {
    const { seen, handle } = recordingHandler({ maxBodyBytes: 64 });
    const response = await sender.send(handle, 'Sns.CallbackFriendAdd', friendAdd);
    expect(response.status).toBe(413);
    expect(seen).toEqual([]);
  });

  it('answers a verified command it has no handler for as configured: OK by default, 404 with reject', async () => {
    const ok = createCallbackHandler({ token: TOKEN, sdkAppId: APP, now: () => NOW, handlers: {} });
    expect(await (await sender.send(ok, 'State.StateChange', { CallbackCommand: 'State.StateChange' })).json()).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    const reject = createCallbackHandler({ token: TOKEN, sdkAppId: APP, now: () => NOW, handlers: {}, unhandled: 'reject' });
    expect((await sender.send(reject, 'State.StateChange', { CallbackCommand: 'State.StateChange' })).status).toBe(404);
    // Unhandled is still verified first.
    expect((await sender.send(ok, 'State.StateChange', {}, { variant: 'bad-signature' })).status).toBe(401);
  });

  it('answers 500 without the error text when a handler throws, and tells onError', async () => {
    const onError = vi.fn();
    const handle = createCallbackHandler({
      token: TOKEN,
      sdkAppId: APP,
      now: () => NOW,
      onError,
      handlers: {
        'Alert.RequestOverLimit': () => {
          throw new Error('database down: secret detail');
        },
      },
    });
    const response = await sender.send(handle, 'Alert.RequestOverLimit', { CallbackCommand: 'Alert.RequestOverLimit', ServiceName: 'sns', Command: 'friend_get_list', Request: 170, Limit: 200 });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret detail');
    expect(onError).toHaveBeenCalledWith(expect.any(Error), 'Alert.RequestOverLimit');
  });

  it('refuses at creation a handler for a command the document does not describe, and a bad token or app', () => {
    expect(() => createCallbackHandler({ token: TOKEN, sdkAppId: APP, handlers: { 'Sns.Nope': () => {} } as unknown as CallbackHandlers })).toThrow(/handlers\.Sns\.Nope/);
    expect(() => createCallbackHandler({ token: '', sdkAppId: APP, handlers: {} })).toThrow(/token/);
    expect(() => createCallbackHandler({ token: TOKEN, sdkAppId: -1, handlers: {} })).toThrow(/sdkAppId/);
  });

  it('accepts a sender clock within the window and refuses one a second past it', async () => {
    const { handle } = recordingHandler();
    expect((await sender.send(handle, 'Sns.CallbackFriendAdd', friendAdd, { skewSeconds: 60 })).status).toBe(200);
    expect((await sender.send(handle, 'Sns.CallbackFriendAdd', friendAdd, { skewSeconds: -60 })).status).toBe(200);
    expect((await sender.send(handle, 'Sns.CallbackFriendAdd', friendAdd, { skewSeconds: 61 })).status).toBe(401);
    expect(STALE_SECONDS).toBe(61);
  });
});
