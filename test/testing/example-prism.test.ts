// The contract-check way of README's "Testing your code": the client against Prism serving the shipped document
// (in your CI: `npx tim-rest-mock --port 4010 &`, then point baseUrl at http://127.0.0.1:4010). Here the suite's own
// Prism stands in for it. Prism checks request shapes and auth parameters and answers the document's examples.
import { describe, expect, inject, it } from 'vitest';
import { createChatClient, ChatApiError } from 'tim-rest-client';

describe('my app against the Prism mock', () => {
  const chat = createChatClient({
    sdkAppId: 1400000000,
    identifier: 'administrator',
    secretKey: 'any key: Prism checks the shape of the usersig, not its signature',
    baseUrl: inject('prismUrl'), // process.env.TIM_MOCK_URL in your CI
  });

  it('gets a reply shaped as the document says', async () => {
    const reply = await chat.getFriendLists({ From_Account: 'id' }, { headers: { Prefer: 'example=basic' } });
    expect(reply.ResultItem?.map((list) => list.GroupName)).toEqual(['group1', 'group2', 'group3']);
  });

  it('sees a named failure of the document', async () => {
    const error = await chat.getFriendLists({ From_Account: 'id' }, { headers: { Prefer: 'example=failAccountNotFound' } }).catch((caught: unknown) => caught);
    expect((error as ChatApiError).code).toBe(30003);
  });
});
