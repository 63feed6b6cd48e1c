// Over loopback HTTP: the node:http adapter serving the handler, the fake sending callbacks to its URL, and the
// replay command (`tim-rest-callbacks`) sending every document example, signed and wrongly signed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCallbackHandler, toNodeListener } from '../../src/callbacks/index.js';
import { createCallbackSender, replayCallbackExamples } from '../../src/testing/index.js';
import { main } from '../../src/testing/callbacks-cli.js';
import { callbackExamples } from '../../generated/callbacks.js';

const TOKEN = 'callback-token-for-tests';
const APP = 1400000000;
const received: string[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  const handler = createCallbackHandler({
    token: TOKEN,
    sdkAppId: APP,
    handlers: {
      'Sns.CallbackFriendAdd': (body) => void received.push(`add:${body.PairList.length}`),
      'Sns.CallbackFriendDelete': (body) => void received.push(`delete:${body.PairList.length}`),
      'Group.CallbackAfterCreateGroup': (body) => void received.push(`created:${body.GroupId}`),
      'Group.CallbackAfterGroupDestroyed': (body) => void received.push(`destroyed:${body.GroupId}`),
      'Alert.RequestOverLimit': (body) => void received.push(`alarm:${body.ServiceName}/${body.Command}`),
    },
  });
  server = createServer(toNodeListener(handler, { maxBodyBytes: 4096 }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/im/callback`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

describe('node:http adapter and the fake over loopback', () => {
  it('serves a signed callback sent by the fake to the URL, and refuses a badly signed one', async () => {
    received.length = 0;
    const sender = createCallbackSender({ sdkAppId: APP, token: TOKEN });
    const body = callbackExamples.find((e) => e.command === 'Group.CallbackAfterGroupDestroyed')!.value;
    const ok = await sender.send(url, 'Group.CallbackAfterGroupDestroyed', body);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/application\/json/);
    expect(await ok.json()).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    const bad = await sender.send(url, 'Group.CallbackAfterGroupDestroyed', body, { variant: 'bad-signature' });
    expect(bad.status).toBe(401);
    expect(received).toEqual(['destroyed:@TGS#2J4SZEAEL']);
  });

  it('answers 413 to a body over the adapter limit', async () => {
    const sender = createCallbackSender({ sdkAppId: APP, token: TOKEN });
    const response = await sender.send(url, 'Sns.CallbackFriendDelete', { CallbackCommand: 'Sns.CallbackFriendDelete', PairList: [], pad: 'x'.repeat(5000) });
    expect(response.status).toBe(413);
  });

  it('replays every document example: each accepted when signed, each refused when not', async () => {
    received.length = 0;
    const valid = await replayCallbackExamples(url, { sdkAppId: APP, token: TOKEN });
    expect(valid.map((r) => [r.command, r.status])).toEqual(callbackExamples.map((e) => [e.command, 200]));
    expect(received).toEqual(['add:3', 'delete:3', 'created:@TGS#2J4SZEAEL', 'destroyed:@TGS#2J4SZEAEL', 'alarm:openim/batchsendmsg']);
    for (const variant of ['bad-signature', 'stale', 'other-app', 'unsigned'] as const) {
      const refused = await replayCallbackExamples(url, { sdkAppId: APP, token: TOKEN, variant });
      expect(refused.every((r) => r.status === (variant === 'other-app' ? 403 : 401)), variant).toBe(true);
    }
    await expect(replayCallbackExamples(url, { sdkAppId: APP, token: TOKEN, command: 'Nope.Nothing' })).rejects.toThrow(/command: Nope\.Nothing/);
  });

  it('tim-rest-callbacks exits 0 when every answer is as expected and 1 when not', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await main([url, '--sdkappid', String(APP), '--token', TOKEN])).toBe(0);
      expect(log.mock.calls.map(([line]) => String(line).slice(0, 4))).toEqual(callbackExamples.map(() => 'ok  '));
      expect(await main([url, '--sdkappid', String(APP), '--token', TOKEN, '--variant', 'stale', '--command', 'Alert.RequestOverLimit'])).toBe(0);
      // The receiver has another token: every valid-looking callback is refused, so the command fails.
      expect(await main([url, '--sdkappid', String(APP), '--token', 'wrong-token'])).toBe(1);
    } finally {
      log.mockRestore();
    }
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await main([url, '--token', TOKEN])).toBe(2);
    } finally {
      error.mockRestore();
    }
  });
});
