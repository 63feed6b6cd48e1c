// The fake upstream itself, with plain fetch: what it records, how it misbehaves on request, and that close() leaves
// no listening port and no open connection behind, even with a request hanging.
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.close();
});

const post = (path: string, body: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${fake.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, ...init });

function portIsClosed(url: string): Promise<boolean> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('recording', () => {
  it('records method, path, decoded query, headers, raw body and arrival order', async () => {
    const response = await post('/v4/x?usersig=a*b-c_&identifier=%E5%BC%A0&random=7', '{"Next":18446744073709551615}', {
      headers: { 'content-type': 'application/json', 'x-extra': 'yes' },
    });
    expect(await response.json()).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const [request] = fake.requests;
    expect(request).toMatchObject({
      index: 0,
      method: 'POST',
      path: '/v4/x',
      query: { usersig: 'a*b-c_', identifier: '张', random: '7' },
      rawQuery: 'usersig=a*b-c_&identifier=%E5%BC%A0&random=7',
      rawBody: '{"Next":18446744073709551615}',
    });
    expect(request?.headers['x-extra']).toBe('yes');
    expect(typeof request?.startedAt).toBe('number');
  });

  it('replySequence answers in turn, then repeats the last reply', async () => {
    fake.replySequence(reply.fail(1), reply.ok({ n: 2 }));
    const bodies = [];
    for (let i = 0; i < 3; i++) bodies.push(await (await post('/', '{}')).json());
    expect(bodies).toEqual([
      { ActionStatus: 'FAIL', ErrorCode: 1, ErrorInfo: 'error 1' },
      { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', n: 2 },
      { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', n: 2 },
    ]);
  });

  it('waitForRequests resolves once enough requests arrived', async () => {
    const waited = fake.waitForRequests(2);
    await post('/', '{}');
    await post('/', '{}');
    await expect(waited).resolves.toBeUndefined();
  });
});

describe('misbehaviour', () => {
  it('html, empty and truncated JSON replies', async () => {
    fake.replySequence(reply.html(502), reply.empty(), reply.truncatedJson());
    const html = await post('/', '{}');
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(await html.text()).toContain('<h1>502 Bad Gateway</h1>');
    const empty = await post('/', '{}');
    expect([empty.status, await empty.text()]).toEqual([200, '']);
    const truncated = await post('/', '{}');
    await expect(truncated.json()).rejects.toThrow(SyntaxError);
  });

  it('reset and cut fail the fetch', async () => {
    fake.replySequence(reply.reset(), reply.cut());
    await expect(post('/', '{}')).rejects.toThrow();
    const cut = await post('/', '{}');
    await expect(cut.text()).rejects.toThrow();
  });

  it('a hang lasts until the client gives up, and is then no longer in flight', async () => {
    fake.handle(() => reply.hang());
    const controller = new AbortController();
    const pending = post('/', '{}', { signal: controller.signal });
    await fake.waitForRequests(1);
    expect(fake.inFlight).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    for (let i = 0; i < 1000 && fake.inFlight > 0; i++) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(fake.inFlight).toBe(0);
    expect(fake.maxInFlight).toBe(1);
  });
});

describe('close', () => {
  it('ends hanging requests and frees the port; closing twice is fine', async () => {
    const own = await startFakeUpstream(() => reply.hang());
    const pending = fetch(`${own.url}/`, { method: 'POST', body: '{}' }).catch((error: unknown) => error);
    await own.waitForRequests(1);
    await own.close();
    await own.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(await portIsClosed(own.url)).toBe(true);
  });
});
