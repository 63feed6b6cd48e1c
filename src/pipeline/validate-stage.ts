// Validate: a body the document's schema (or, for a path the document does not describe, the JSON-value rules)
// rejects fails here with nothing sent. What goes on is the validator's checked copy: int64 fields in wire form,
// and nothing the caller changes later.
import { assertJsonBody, assertValidRequest } from '../validate.js';
import type { CallStage } from './context.js';

export const validateStage: CallStage = (next) => async (call) => {
  const body = call.operation !== undefined ? assertValidRequest(call.operation, call.body) : assertJsonBody(call.name, call.body);
  return next({ ...call, body });
};
