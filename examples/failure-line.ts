// How the tour reports a failure: one line that says what failed, on which host, and what to check, instead of a
// stack a newcomer has to dig through. The stack (with the error's causes) only when TIM_DEBUG is set.
import { ChatApiError, TransportCode, errorCodes } from '../src/index.js';

export const DEBUG_VARIABLE = 'TIM_DEBUG';

const CHECK_HOST = 'the host TIM_REGION or TIM_BASE_URL names';

function describe(error: unknown, host: string): string {
  if (!(error instanceof ChatApiError)) {
    // A bad option (createChatClient names it) or a fault of the tour itself; neither message quotes a credential.
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const tries = `${error.attempts} attempt${error.attempts === 1 ? '' : 's'}`;
  if (error.code === TransportCode.network || error.code === TransportCode.timeout) {
    const what = error.code === TransportCode.network ? 'could not reach' : 'got no reply in time from';
    return `${error.operation} ${what} ${host} (${error.code} after ${tries}: ${error.info}). ` +
      `Check the network connection, ${CHECK_HOST}, and any proxy or firewall in between.`;
  }
  if (typeof error.code === 'number') {
    const advice = errorCodes[error.code]?.description;
    return `${error.operation} failed on ${host}: ErrorCode ${error.code} "${error.info}".${advice ? ` ${advice}` : ''}`;
  }
  // An HTTP error status or a reply that is not the API's envelope: something answered, but not the Chat REST API.
  return `${error.operation} failed on ${host}: ${error.code} (${error.info}). Check that ${CHECK_HOST} names the Chat REST API.`;
}

/** The one line to print for a failure of the tour, `host` being the host the client sends to. */
export function failureLine(error: unknown, host: string): string {
  const line = `Tour failed: ${describe(error, host)} (Set ${DEBUG_VARIABLE}=1 for the stack.)`;
  // Server-sent text (ErrorInfo, an HTTP status text) could hold line breaks; the report stays one line.
  return line.replace(/\s*[\r\n]+\s*/g, ' ');
}
