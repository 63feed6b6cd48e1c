// Checks a request body against the document's schema before anything is sent, with the validators generated from
// the document at build time (generated/validators.ts), and turns Ajv's findings into one readable message.
import { requestValidators, type RequestValidationError } from '../generated/validators.js';
import type { OperationId } from '../generated/api-facts.js';
import { ChatApiError, TransportCode } from './errors.js';

function fieldOf(error: RequestValidationError): string {
  const missing = error.params['missingProperty'] ?? error.params['additionalProperty'];
  const path = typeof missing === 'string' ? `${error.instancePath}/${missing}` : error.instancePath;
  return path === '' ? 'body' : path.slice(1).replaceAll('/', '.');
}

function ruleOf(error: RequestValidationError): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a field of this request';
    default:
      return error.message ?? `breaks the ${error.keyword} rule`;
  }
}

// Ajv checks types with `typeof`, which rejects bigint; a bigint is an integer for the wire format, so the validator
// sees it as a number (its exact value still goes out, from the original body).
function validationView(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.some((item) => typeof item === 'bigint' || (item !== null && typeof item === 'object')) ? value.map(validationView) : value;
  if (value !== null && typeof value === 'object') {
    let changed: Record<string, unknown> | undefined;
    for (const [key, child] of Object.entries(value)) {
      const view = validationView(child);
      if (view !== child) (changed ??= { ...value })[key] = view;
    }
    return changed ?? value;
  }
  return value;
}

/** Rejects with ChatApiError (code INVALID_REQUEST) naming each bad field and its rule. */
export function assertValidRequest(operation: OperationId, body: unknown): void {
  const validate = requestValidators[operation];
  if (validate(validationView(body))) return;
  const problems = (validate.errors ?? []).map((error) => `${fieldOf(error)} ${ruleOf(error)} (${error.keyword})`);
  const info = [...new Set(problems)].join('; ');
  throw new ChatApiError(`${operation}: invalid request, nothing was sent: ${info}`, {
    code: TransportCode.invalidRequest,
    info,
    operation,
    retryable: false,
    attempts: 0,
  });
}
