// The reply shape of each operation, for the drift check (src/drift/): the document's 200 reply schema with $ref
// resolved and allOf merged into one tree of types, properties, required names, items and enums. Annotations and
// constraints the check does not compare (lengths, patterns, bounds) are left out; an integer whose maximum a double
// cannot hold is marked `wide` (the client carries it as a decimal string).
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function resolve(document, schema, stack) {
  let current = schema;
  while (current && typeof current.$ref === 'string') {
    const name = current.$ref.split('/').pop();
    if (stack.includes(name)) throw new Error(`reply shapes: recursive schema ${name} is not supported`);
    stack = [...stack, name];
    current = document.components.schemas[name];
  }
  return { schema: current, stack };
}

function shapeOf(document, input, stack = []) {
  const { schema, stack: seen } = resolve(document, input, stack);
  const shape = {};
  const parts = [schema, ...(schema.allOf ?? []).map((part) => resolve(document, part, seen).schema)];
  for (const part of parts) {
    if (part.type !== undefined) shape.type = part.type;
    if (part.enum !== undefined) shape.enum = part.enum;
    if (part.required) shape.required = [...new Set([...(shape.required ?? []), ...part.required])];
    if (part.additionalProperties === false) shape.closed = true;
    if (part.type === 'integer' && (part.format === 'int64' || part.maximum > MAX_SAFE) && !(part.maximum <= MAX_SAFE)) shape.wide = true;
    if (part.properties) {
      shape.properties ??= {};
      for (const [name, property] of Object.entries(part.properties)) shape.properties[name] = shapeOf(document, property, seen);
    }
    if (part.items) shape.items = shapeOf(document, part.items, seen);
  }
  if (shape.properties && shape.type === undefined) shape.type = 'object';
  return shape;
}

/** generated/reply-shapes.ts: `replyShapes[operationId]`, the shape of its 200 reply. */
export function generateReplyShapes(document, operations, header) {
  const shapes = {};
  for (const { operation } of operations) {
    const media = operation.responses['200'].content['application/json'];
    const shape = shapeOf(document, media.schema);
    // The fields every successful reply example carries: a real successful reply without one of them has drifted.
    // (Fields only some examples carry, such as Fail_Account, may be left out.)
    const successes = Object.values(media.examples ?? {})
      .map((example) => resolve(document, example, []).schema?.value ?? example.value)
      .filter((value) => value && value.ErrorCode === 0);
    if (successes.length > 0) {
      shape.expected = Object.keys(shape.properties ?? {}).filter((name) => successes.every((value) => Object.hasOwn(value, name)));
    }
    shapes[operation.operationId] = shape;
  }
  return (
    header +
    "import type { OperationId } from './api-facts.js';\n\n" +
    '/** The shape of a reply as the document describes it: what the drift check compares a real reply with. */\n' +
    'export interface ReplyShape {\n' +
    '  type?: string | readonly string[];\n  properties?: Readonly<Record<string, ReplyShape>>;\n  required?: readonly string[];\n' +
    '  items?: ReplyShape;\n  enum?: readonly unknown[];\n  closed?: boolean;\n  wide?: boolean;\n' +
    '  /** Top level only: the fields every successful reply example of the operation carries. */\n' +
    '  expected?: readonly string[];\n}\n\n' +
    `export const replyShapes: Readonly<Record<OperationId, ReplyShape>> = ${JSON.stringify(shapes, null, 2)};\n`
  );
}
