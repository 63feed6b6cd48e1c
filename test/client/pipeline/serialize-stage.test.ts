// serialize: the checked body is written once per call; a body JSON cannot carry fails with nothing sent.
import { expect, it } from 'vitest';
import { serializeStage } from '../../../src/pipeline/serialize-stage.js';
import { TransportCode } from '../../../src/errors.js';
import type { SerializedCall } from '../../../src/pipeline/context.js';
import { makeCall, ok } from './support.js';

it('hands the next stage the body as JSON text, 64-bit wire values as bare digits', async () => {
  const seen: SerializedCall[] = [];
  const handler = serializeStage(async (call) => (seen.push(call), ok()));
  await handler(makeCall({ body: { Limit: 10, Next: 18446744073709551615n } }));
  expect(seen[0]?.json).toBe('{"Limit":10,"Next":18446744073709551615}');
});

it('a body JSON cannot carry fails before any attempt', async () => {
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  let reached = false;
  const handler = serializeStage(async () => ((reached = true), ok()));
  await expect(handler(makeCall({ body: cyclic }))).rejects.toMatchObject({ code: TransportCode.invalidRequest, attempts: 0 });
  expect(reached).toBe(false);
});
