// The request rules JSON Schema cannot state exactly, checked as the vendor reads the wire: 64-bit integers must be
// bare JSON integers within their exact range (no quotes, no fraction), and strings with a byte limit must fit it in
// UTF-8. The fields and limits come from the document (generated/wire-fields.ts).
import type { OperationId } from '../../generated/api-facts.js';
import { wireFields } from '../../generated/wire-fields.js';

const encoder = new TextEncoder();

/** The values at `path` (property names, `*` for every item of an array), with a dotted name for each. */
function valuesAt(value: unknown, path: readonly string[], name = ''): [string, unknown][] {
  if (path.length === 0) return [[name, value]];
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') return Array.isArray(value) ? value.flatMap((item, i) => valuesAt(item, rest, `${name}.${i}`)) : [];
  if (value === null || typeof value !== 'object' || !(head in value)) return [];
  return valuesAt((value as Record<string, unknown>)[head], rest, name ? `${name}.${head}` : head);
}

/** What is wrong with the body on the wire, naming the field and the rule; undefined when nothing is. */
export function wireProblem(operation: OperationId, body: unknown): string | undefined {
  const fields = wireFields[operation];
  for (const field of fields.requestInt64) {
    for (const [name, value] of valuesAt(body, field.path)) {
      const exact = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
      if (exact === undefined) return `${name}: must be a JSON integer (got ${typeof value === 'string' ? 'a string' : String(value)})`;
      if (exact < BigInt(field.minimum) || exact > BigInt(field.maximum)) return `${name}: must be between ${field.minimum} and ${field.maximum}`;
    }
  }
  for (const field of fields.requestMaxBytes) {
    for (const [name, value] of valuesAt(body, field.path)) {
      if (typeof value === 'string' && encoder.encode(value).length > field.maxBytes) return `${name}: must be at most ${field.maxBytes} bytes in UTF-8`;
    }
  }
  return undefined;
}
