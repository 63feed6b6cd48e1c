// Validate: a body the document's schema rejects fails here, with nothing sent; for a path the document does not
// describe only the shape every TIM body has (a JSON object) is checked.
import { ChatApiError, TransportCode } from '../errors.js';
import { assertValidRequest } from '../validate.js';
import type { CallStage } from './context.js';

export const validateStage: CallStage = (next) => async (call) => {
  if (call.operation !== undefined) assertValidRequest(call.operation, call.body);
  else if (call.body === null || typeof call.body !== 'object' || Array.isArray(call.body)) {
    throw new ChatApiError(`${call.name}: invalid request, nothing was sent: body must be a JSON object`, {
      code: TransportCode.invalidRequest, info: 'body must be a JSON object', operation: call.name, retryable: false, attempts: 0,
    });
  }
  return next(call);
};
