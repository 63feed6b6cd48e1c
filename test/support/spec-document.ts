// The bundled OpenAPI description (generated/openapi.json) as the tests see it: operations with their resolved
// examples and schemas, the error-code list, and an Ajv 2020 instance that compiles the bundle's own component
// schemas. Tests walk this instead of copying values out of the document, so they follow it when it changes.
import { readFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { AnySchema, ValidateFunction } from 'ajv';

// Ajv ships CommonJS: under NodeNext the default import is `module.exports`, whose `.default` is the class itself.
const Ajv2020 = Ajv2020Module.default;
type Ajv = InstanceType<typeof Ajv2020>;

export type JsonObject = { [key: string]: unknown };

export interface NamedExample {
  name: string;
  value: unknown;
}

export interface Operation {
  path: string;
  method: string;
  operationId: string;
  /** Named request examples, `$ref`s followed, in document order. */
  requestExamples: NamedExample[];
  /** Named 200 response examples, `$ref`s followed, in document order. */
  responseExamples: NamedExample[];
  /** `#/components/schemas/...` of the request body, as written in the document. */
  requestSchemaRef: string;
  /** `#/components/schemas/...` of the 200 response body. */
  responseSchemaRef: string;
  requestSchema: JsonObject;
  responseSchema: JsonObject;
}

export interface ErrorCodeEntry {
  code: number;
  description: string;
  retryable: boolean;
  resign?: boolean;
  /** Absent for public codes, which every operation can return. */
  operations?: string[];
}

export const BUNDLE_URL = new URL('../../generated/openapi.json', import.meta.url);
export const document = JSON.parse(readFileSync(BUNDLE_URL, 'utf8')) as JsonObject;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asObject(value: unknown, where: string): JsonObject {
  if (!isObject(value)) throw new Error(`${where}: expected an object in the bundle`);
  return value;
}

/** The node a local JSON pointer (`#/components/...`) names in the bundle. */
export function pointer(ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local refs are expected in the bundle, got ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, part) => asObject(node, ref)[part], document);
}

/** Follows `$ref` (repeatedly) until a node without one; the node itself when it has none. */
export function resolve(node: unknown): unknown {
  let current = node;
  for (let hops = 0; isObject(current) && typeof current['$ref'] === 'string'; hops++) {
    if (hops > 20) throw new Error('reference cycle in the bundle');
    current = pointer(current['$ref']);
  }
  return current;
}

function namedExamples(media: JsonObject, where: string): NamedExample[] {
  const examples = asObject(media['examples'] ?? {}, `${where} examples`);
  return Object.entries(examples).map(([name, example]) => ({
    name,
    value: asObject(resolve(example), `${where} example ${name}`)['value'],
  }));
}

function jsonMedia(holder: unknown, where: string): JsonObject {
  const content = asObject(asObject(resolve(holder), where)['content'], `${where} content`);
  return asObject(content['application/json'], `${where} application/json`);
}

function schemaRef(media: JsonObject, where: string): string {
  const ref = asObject(media['schema'], `${where} schema`)['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/components/schemas/')) {
    throw new Error(`${where}: schema is expected to be a $ref to #/components/schemas/...`);
  }
  return ref;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Every operation of the bundle, in document order. */
export function listOperations(): Operation[] {
  return Object.entries(asObject(document['paths'], 'paths')).flatMap(([path, item]) =>
    Object.entries(asObject(item, path))
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, raw]) => {
        const op = asObject(raw, `${method} ${path}`);
        const where = String(op['operationId']);
        const request = jsonMedia(op['requestBody'], `${where} requestBody`);
        const response = jsonMedia(asObject(op['responses'], `${where} responses`)['200'], `${where} 200`);
        const requestSchemaRef = schemaRef(request, `${where} request`);
        const responseSchemaRef = schemaRef(response, `${where} 200`);
        return {
          path,
          method,
          operationId: where,
          requestExamples: namedExamples(request, `${where} request`),
          responseExamples: namedExamples(response, `${where} 200`),
          requestSchemaRef,
          responseSchemaRef,
          requestSchema: asObject(resolve({ $ref: requestSchemaRef }), requestSchemaRef),
          responseSchema: asObject(resolve({ $ref: responseSchemaRef }), responseSchemaRef),
        };
      }),
  );
}

export function operationByPath(path: string): Operation {
  const found = listOperations().find((op) => op.path === path);
  if (!found) throw new Error(`no operation at ${path} in the bundle`);
  return found;
}

/** The document's `x-error-codes`. */
export function errorCodes(): ErrorCodeEntry[] {
  const codes = document['x-error-codes'];
  if (!Array.isArray(codes)) throw new Error('x-error-codes is expected to be a list');
  return codes as ErrorCodeEntry[];
}

/** The codes an operation can return: its own plus the public ones (entries without `operations`). */
export function errorCodesOf(operationId: string): Set<number> {
  return new Set(
    errorCodes()
      .filter((entry) => entry.operations === undefined || entry.operations.includes(operationId))
      .map((entry) => entry.code),
  );
}

// The bundle's schemas are registered under this id, so `#/components/schemas/X` refs inside them resolve
// against it exactly as they do in the document.
const BUNDLE_ID = 'urn:tim-rest-client:bundle';

/** A fresh Ajv 2020 in strict mode that knows the bundle's component schemas. */
export function createAjv(): Ajv {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    // SnsProfileItem.Value is deliberately `type: [string, integer, array]`; strict mode refuses unions otherwise.
    allowUnionTypes: true,
    // OpenAPI's integer formats carry no constraint Ajv could check beyond `type`/`minimum`/`maximum`.
    formats: { int32: true, int64: true },
  });
  // Extension keywords are annotations; declaring them keeps every other unknown keyword an error.
  ajv.addKeyword('x-recommended-max-items');
  // A UTF-8 byte limit, which JSON Schema cannot state (maxLength counts characters); the client checks it.
  ajv.addKeyword('x-max-utf8-bytes');
  // Known values and open prefixes of a string (ProfileTag), for the generated TypeScript type only.
  ajv.addKeyword('x-known-values');
  ajv.addKeyword('x-open-prefixes');
  // `components` is not a JSON Schema keyword: it only holds the schemas the refs point into.
  ajv.addKeyword('components');
  const components = asObject(document['components'], 'components');
  ajv.addSchema({ $id: BUNDLE_ID, components: { schemas: components['schemas'] } } as AnySchema);
  return ajv;
}

let shared: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** A validator for `#/components/schemas/X` (compiled once per run). */
export function validatorFor(ref: string): ValidateFunction {
  let validate = compiled.get(ref);
  if (!validate) {
    shared ??= createAjv();
    validate = shared.getSchema(`${BUNDLE_ID}${ref}`);
    if (!validate) throw new Error(`Ajv could not resolve ${ref} in the bundle`);
    compiled.set(ref, validate);
  }
  return validate;
}

/** Ajv's errors as one line per error, for readable assertion messages. */
export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}`).join('; ');
}
