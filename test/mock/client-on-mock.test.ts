// The client against the built-in mock, walking the document: each operation's method with each named request
// example, each named reply example asked for with `Prefer`, and bodies that break the schema never sent.
import { describe, expect, inject, it } from 'vitest';
import { createChatClient, ChatApiError, TransportCode, type ChatClient, type OperationId } from '../../src/index.js';
import { listOperations, validatorFor, describeErrors } from '../support/spec-document.js';
import { wireFields } from '../../generated/wire-fields.js';
import { forEachField } from '../../src/json.js';

/**
 * The client gives 64-bit fields as decimal strings; the schema describes the wire, where they are JSON integers.
 * `toWire` turns a reply back (the mock's examples are below 2^53, so Number is exact); `toClient` does the reverse.
 */
function convertInt64(operationId: string, value: Record<string, unknown>, convert: (field: unknown) => unknown): Record<string, unknown> {
  const copy = structuredClone(value);
  for (const field of wireFields[operationId as OperationId].replyInt64) forEachField(copy, field.path, (holder, key) => (holder[key] = convert(holder[key])));
  return copy;
}
const toWire = (operationId: string, reply: Record<string, unknown>) => convertInt64(operationId, reply, (field) => (typeof field === 'string' ? Number(field) : field));
const toClient = (operationId: string, example: Record<string, unknown>) => convertInt64(operationId, example, (field) => (typeof field === 'number' ? String(field) : field));

interface Observed {
  client: ChatClient;
  sent: Request[];
}

/** A client on the mock that records what reaches the network. */
function observedClient(): Observed {
  const sent: Request[] = [];
  const client = createChatClient({
    sdkAppId: 1400000000,
    identifier: 'administrator',
    secretKey: 'mock-test-key',
    baseUrl: inject('prismUrl'),
    retry: false,
    fetch: (request) => {
      sent.push(request.clone());
      return fetch(request);
    },
  });
  return { client, sent };
}

type AnyMethod = (body: unknown, options?: { headers?: Record<string, string> }) => Promise<Record<string, unknown>>;
const methodOf = (client: ChatClient, operationId: string): AnyMethod => client[operationId as OperationId] as unknown as AnyMethod;

const operations = listOperations();

describe.each(operations.map((operation) => [operation.operationId, operation] as const))('%s on the mock', (operationId, operation) => {
  it.each(operation.requestExamples.map((example) => [example.name, example.value] as const))(
    'sends the %s request example and resolves to a reply valid against the schema',
    async (_name, body) => {
      const { client, sent } = observedClient();
      const reply = await methodOf(client, operationId)(body);
      const validate = validatorFor(operation.responseSchemaRef);
      expect(validate(toWire(operationId, reply)), describeErrors(validate)).toBe(true);
      expect(reply['ErrorCode']).toBe(0);
      expect(sent).toHaveLength(1);
      expect(new URL(sent[0]!.url).pathname).toBe(operation.path);
    },
  );

  const firstRequest = operation.requestExamples[0]?.value;

  it.each(operation.responseExamples.map((example) => [example.name, example.value as Record<string, unknown>] as const))(
    'turns the %s reply example into its outcome',
    async (name, example) => {
      const { client } = observedClient();
      const call = methodOf(client, operationId)(firstRequest, { headers: { Prefer: `example=${name}` } });
      if (example['ErrorCode'] === 0) {
        await expect(call).resolves.toEqual(toClient(operationId, example));
        return;
      }
      const error = await call.then(
        () => expect.unreachable('a FAIL example must reject'),
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(ChatApiError);
      expect(error).toMatchObject({ code: example['ErrorCode'], info: example['ErrorInfo'], operation: operationId, httpStatus: 200 });
    },
  );
});

describe('bodies that break the schema', () => {
  const broken: [OperationId, unknown, string][] = [
    ['getFriendLists', {}, 'From_Account'],
    ['getFriendLists', { From_Account: 'a', NeedFriend: 'yes' }, 'NeedFriend'],
    ['getSpecifiedFriends', { From_Account: 'a', To_Account: 'b', TagList: ['Tag_Profile_IM_Nick'] }, 'To_Account'],
    ['getSpecifiedFriends', { From_Account: 'a', To_Account: ['b'], TagList: ['Nick'] }, 'TagList.0'],
    ['getAppGroups', { Limit: 10001 }, 'Limit'],
    ['getAppGroups', { GroupType: 'Secret' }, 'GroupType'],
    ['getConversationGroupMarks', { From_Account: 'a', StartIndex: -1 }, 'StartIndex'],
  ];

  it.each(broken)('%s with %j is refused before sending, naming %s', async (operationId, body, field) => {
    const { client, sent } = observedClient();
    const error = await methodOf(client, operationId)(body).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ChatApiError);
    expect(error).toMatchObject({ code: TransportCode.invalidRequest, attempts: 0, operation: operationId });
    expect((error as ChatApiError).message).toContain(field);
    expect(sent).toHaveLength(0);
  });
});
