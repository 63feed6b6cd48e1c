// validate: a bad body never reaches the next stage; a good one reaches it as the validator's checked copy.
import { expect, it } from 'vitest';
import { validateStage } from '../../../src/pipeline/validate-stage.js';
import { ChatApiError, TransportCode } from '../../../src/errors.js';
import type { Call } from '../../../src/pipeline/context.js';
import { makeCall, ok } from './support.js';

const passed: Call[] = [];
const handler = validateStage(async (call) => (passed.push(call), ok()));

it('refuses a body the schema rejects: INVALID_REQUEST naming the field, next never called', async () => {
  passed.length = 0;
  const error = await handler(makeCall({ body: { From_Account: 'alice', Extra: 1 } })).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChatApiError);
  expect(error).toMatchObject({ code: TransportCode.invalidRequest, attempts: 0 });
  expect((error as ChatApiError).info).toContain('Extra');
  expect(passed).toHaveLength(0);
});

it('passes a copy on, so a later change by the caller cannot change what is sent', async () => {
  passed.length = 0;
  const body = { From_Account: 'alice' };
  await handler(makeCall({ body }));
  body.From_Account = 'mallory';
  expect(passed[0]?.body).toEqual({ From_Account: 'alice' });
});

it('for a path the document does not describe: any JSON object, nothing else', async () => {
  passed.length = 0;
  const unknownPath = { operation: undefined, name: '/v4/a/b', path: '/v4/a/b', idempotent: false };
  await handler(makeCall({ ...unknownPath, body: { Anything: [1, 'two'] } }));
  expect(passed).toHaveLength(1);
  for (const body of [null, 'text', [1], 5]) {
    await expect(handler(makeCall({ ...unknownPath, body }))).rejects.toMatchObject({ code: TransportCode.invalidRequest });
  }
  expect(passed).toHaveLength(1);
});
