// Serialize: the checked body is written as JSON once per call (or chunk); every attempt sends the same text. A body
// that cannot be written fails here with nothing sent.
import { ChatApiError, TransportCode } from '../errors.js';
import { stringifyJson } from '../json.js';
import type { Call, Handler, SerializedCall } from './context.js';

function serialize(call: Call): string {
  try {
    return stringifyJson(call.body);
  } catch (cause) {
    throw new ChatApiError(`${call.name}: invalid request, nothing was sent: the body cannot be written as JSON`, {
      code: TransportCode.invalidRequest, info: 'the body cannot be written as JSON', operation: call.name, retryable: false, attempts: 0, cause,
    });
  }
}

export function serializeStage(next: Handler<SerializedCall>): Handler {
  return async (call) => next({ ...call, json: serialize(call) });
}
