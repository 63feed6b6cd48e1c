// Validate: a body the document's schema (or, for a path the document does not describe, the JSON-value rules and
// the one shape every TIM body has, an object) rejects fails here with nothing sent. What goes on is the
// validator's checked copy: int64 fields in wire form, and nothing the caller changes later.
import { ChatApiError, TransportCode } from '../errors.js';
import { assertJsonBody, assertValidRequest } from '../validate.js';
import type { Call, CallStage } from './context.js';

function checkedBody(call: Call): unknown {
  if (call.operation !== undefined) return assertValidRequest(call.operation, call.body);
  const body = assertJsonBody(call.name, call.body);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ChatApiError(`${call.name}: invalid request, nothing was sent: body must be a JSON object`, {
      code: TransportCode.invalidRequest, info: 'body must be a JSON object', operation: call.name, retryable: false, attempts: 0,
    });
  }
  return body;
}

export const validateStage: CallStage = (next) => async (call) => next({ ...call, body: checkedBody(call) });
