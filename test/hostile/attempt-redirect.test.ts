// Redirects are never followed: a 307 to another origin would re-send the body and the query, usersig included,
// wherever it points (and skip the https rule). A redirect is reported as an HTTP error and not retried.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TransportCode } from '../../src/errors.js';
import { reply, startFakeUpstream, type FakeUpstream } from '../client/fake-upstream.js';
import { makeClient, rejection } from '../client/helpers.js';

let vendor: FakeUpstream;
let elsewhere: FakeUpstream;
beforeEach(async () => {
  [vendor, elsewhere] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
});
afterEach(async () => {
  await Promise.all([vendor.close(), elsewhere.close()]);
});

for (const status of [301, 302, 303, 307, 308]) {
  it(`HTTP ${status} to another origin: HTTP_ERROR ${status}, one request, nothing reaches the other origin`, async () => {
    vendor.handle((request) => ({
      kind: 'send', status, headers: { location: `${elsewhere.url}/collect?${request.rawQuery}` }, body: '',
    }));
    const error = await rejection(makeClient(vendor).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.http, httpStatus: status, retryable: false, attempts: 1 });
    expect(vendor.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
    expect(error.message).not.toContain('usersig=');
  });
}

it('a redirect through client.api is not followed either', async () => {
  vendor.handle((request) => ({ kind: 'send', status: 307, headers: { location: `${elsewhere.url}/x?${request.rawQuery}` }, body: '' }));
  const { error, response } = await makeClient(vendor).api.POST('/v4/sns/group_get', { body: { From_Account: 'alice' } });
  expect(response.ok).toBe(false);
  expect(error).toBeDefined();
  expect(elsewhere.requests).toHaveLength(0);
  // The control: the fake does answer ordinary requests.
  vendor.handle(() => reply.ok());
  expect((await makeClient(vendor).api.POST('/v4/sns/group_get', { body: { From_Account: 'alice' } })).data).toMatchObject({ ActionStatus: 'OK' });
});
