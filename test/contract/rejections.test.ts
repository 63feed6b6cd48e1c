// What the mock refuses, and therefore what the description constrains: missing authentication (401 from the five
// security schemes), present but invalid query values (422 from the optional parameters), and invalid bodies (422
// naming the field). Body cases are derived from each request schema (every required field dropped, every type,
// enum, bound and length broken, an unknown field added) plus the explicit cases the vendor's pages make matter.
import { describe, expect, it } from 'vitest';
import {
  describeErrors,
  document,
  listOperations,
  resolve,
  validatorFor,
  type JsonObject,
  type Operation,
} from '../support/spec-document.js';
import { authQuery, namesField, postToPrism, violationsOf } from '../support/spec-prism.js';

const operations = listOperations();

// --- Query parameters -------------------------------------------------------------------------------------------

interface QueryParameter {
  name: string;
  schema: JsonObject;
}

/** The query parameter names of the document's (single, all-together) security requirement. */
function securityQueryNames(): string[] {
  const requirement = (document['security'] as JsonObject[])[0] ?? {};
  const schemes = (document['components'] as JsonObject)['securitySchemes'] as JsonObject;
  return Object.keys(requirement).map((scheme) => {
    const definition = resolve(schemes[scheme]) as JsonObject;
    if (definition['in'] !== 'query') throw new Error(`security scheme ${scheme} is expected in the query`);
    return definition['name'] as string;
  });
}

function queryParameters(op: Operation): QueryParameter[] {
  const item = (document['paths'] as JsonObject)[op.path] as JsonObject;
  const parameters = ((item[op.method] as JsonObject)['parameters'] ?? []) as unknown[];
  return parameters
    .map((p) => resolve(p) as JsonObject)
    .filter((p) => p['in'] === 'query')
    .map((p) => ({ name: p['name'] as string, schema: resolve(p['schema']) as JsonObject }));
}

/** Values just outside each parameter's declared bounds, enum and length, as they would appear in a URL. */
function derivedQueryValues(parameter: QueryParameter): string[] {
  const { schema } = parameter;
  const values: string[] = [];
  if (typeof schema['minimum'] === 'number') values.push(String(schema['minimum'] - 1));
  if (typeof schema['maximum'] === 'number') values.push(String(schema['maximum'] + 1));
  if (Array.isArray(schema['enum'])) values.push('not_in_enum');
  if (schema['type'] === 'integer') values.push('abc');
  // minLength is not derived: Prism takes an empty API key for a missing one (401, tested with the security schemes).
  return values;
}

// Likely mistakes, tested whatever the schemas say: a signed or 33-bit random, another format, a zero SDKAppID, and
// a UserSig still in plain base64 (`+/=` not yet replaced by `*-_`).
const EXPLICIT_INVALID_QUERY: Record<string, string[]> = {
  random: ['-1', '4294967296'],
  contenttype: ['xml'],
  sdkappid: ['0'],
  usersig: ['eJw+Fake/UserSig='],
};

function invalidQueryValues(parameter: QueryParameter): string[] {
  return [...new Set([...(EXPLICIT_INVALID_QUERY[parameter.name] ?? []), ...derivedQueryValues(parameter)])];
}

// --- Bodies -----------------------------------------------------------------------------------------------------

interface BodyCase {
  label: string;
  /** The field the refusal must name. */
  field: string;
  body: JsonObject;
}

/** The richest request example: the one setting the most fields, so that every field can be broken or dropped. */
function baseBody(op: Operation): JsonObject {
  const [richest] = [...op.requestExamples].sort(
    (a, b) => Object.keys(b.value as JsonObject).length - Object.keys(a.value as JsonObject).length,
  );
  return structuredClone((richest?.value ?? {}) as JsonObject);
}

function withField(base: JsonObject, field: string, value: unknown): JsonObject {
  return { ...base, [field]: value };
}

function withoutField(base: JsonObject, field: string): JsonObject {
  const { [field]: _dropped, ...rest } = base;
  return rest;
}

/** A value of the wrong JSON type for a schema with a single `type`. */
function wrongType(type: unknown): unknown {
  switch (type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return '0';
    case 'array':
      return 'not-an-array';
    case 'object':
      return [];
    default:
      return undefined;
  }
}

/** One case per constraint of each request property that a single out-of-range value breaks. */
function derivedCases(op: Operation, base: JsonObject): BodyCase[] {
  const schema = op.requestSchema;
  const properties = (schema['properties'] ?? {}) as JsonObject;
  const cases: BodyCase[] = [];
  const set = (field: string, value: unknown, why: string) =>
    cases.push({ label: `${field} = ${JSON.stringify(value)} (${why})`, field, body: withField(base, field, value) });

  for (const field of (schema['required'] ?? []) as string[]) {
    cases.push({ label: `required ${field} missing`, field, body: withoutField(base, field) });
  }
  if (schema['additionalProperties'] === false) {
    cases.push({ label: 'unknown field Unexpected_Field', field: 'Unexpected_Field', body: withField(base, 'Unexpected_Field', 1) });
  }
  for (const [field, raw] of Object.entries(properties)) {
    const prop = resolve(raw) as JsonObject;
    const bad = wrongType(prop['type']);
    if (bad !== undefined) set(field, bad, `not ${String(prop['type'])}`);
    if (Array.isArray(prop['enum']) && prop['type'] === 'string') set(field, 'Bogus_Value', 'not in enum');
    if (typeof prop['minimum'] === 'number') set(field, prop['minimum'] - 1, 'below minimum');
    // Above a maximum a double cannot tell from maximum + 1 (an unsigned 64-bit cursor's), no JSON tool can refuse.
    if (typeof prop['maximum'] === 'number' && Number.isSafeInteger(prop['maximum'])) set(field, prop['maximum'] + 1, 'above maximum');
    if (typeof prop['maxItems'] === 'number') set(field, Array.from({ length: prop['maxItems'] + 1 }, (_, i) => `item${i}`), 'more than maxItems');
    if (typeof prop['minLength'] === 'number' && prop['minLength'] > 0) set(field, '', 'shorter than minLength');
    if (prop['minItems'] === 1) set(field, [], 'fewer than minItems');
    const items = prop['items'] === undefined ? undefined : (resolve(prop['items']) as JsonObject);
    if (items && typeof items['minLength'] === 'number' && items['minLength'] > 0) set(field, [''], 'item shorter than minLength');
  }
  return cases;
}

// Likely mistakes, by name. Most coincide with derived cases (duplicates are dropped below); listing them keeps them
// tested even if a schema lost the constraint that would have derived them.
const EXPLICIT_BODY_CASES: Record<string, Array<{ label: string; field: string; change: (b: JsonObject) => JsonObject }>> = {
  getFriendLists: [
    { label: 'From_Account missing', field: 'From_Account', change: (b) => withoutField(b, 'From_Account') },
    { label: 'From_Account a number', field: 'From_Account', change: (b) => withField(b, 'From_Account', 12345) },
    { label: 'NeedFriend bogus', field: 'NeedFriend', change: (b) => withField(b, 'NeedFriend', 'Need_Friend_Type_No') },
    { label: 'unknown extra property', field: 'Extra', change: (b) => withField(b, 'Extra', true) },
  ],
  getSpecifiedFriends: [
    { label: 'From_Account missing', field: 'From_Account', change: (b) => withoutField(b, 'From_Account') },
    { label: 'To_Account missing', field: 'To_Account', change: (b) => withoutField(b, 'To_Account') },
    { label: 'TagList missing', field: 'TagList', change: (b) => withoutField(b, 'TagList') },
    { label: 'From_Account a number', field: 'From_Account', change: (b) => withField(b, 'From_Account', 12345) },
    { label: 'To_Account a string, not an array', field: 'To_Account', change: (b) => withField(b, 'To_Account', 'UserID_2') },
    { label: 'To_Account empty', field: 'To_Account', change: (b) => withField(b, 'To_Account', []) },
    { label: 'TagList entry "Nick" (not a Tag_ name)', field: 'TagList', change: (b) => withField(b, 'TagList', ['Nick']) },
    { label: 'unknown extra property', field: 'Extra', change: (b) => withField(b, 'Extra', true) },
  ],
  getAppGroups: [
    { label: 'Limit 10001', field: 'Limit', change: (b) => withField(b, 'Limit', 10001) },
    { label: 'Limit 0', field: 'Limit', change: (b) => withField(b, 'Limit', 0) },
    { label: 'GroupType unknown (Work)', field: 'GroupType', change: (b) => withField(b, 'GroupType', 'Work') },
    { label: 'Next negative', field: 'Next', change: (b) => withField(b, 'Next', -1) },
    { label: 'unknown extra property', field: 'Extra', change: (b) => withField(b, 'Extra', true) },
  ],
  getConversationGroupMarks: [
    { label: 'From_Account missing', field: 'From_Account', change: (b) => withoutField(b, 'From_Account') },
    { label: 'StartIndex missing', field: 'StartIndex', change: (b) => withoutField(b, 'StartIndex') },
    { label: 'From_Account a number', field: 'From_Account', change: (b) => withField(b, 'From_Account', 12345) },
    { label: 'StartIndex "0" (a string)', field: 'StartIndex', change: (b) => withField(b, 'StartIndex', '0') },
    { label: 'StartIndex negative', field: 'StartIndex', change: (b) => withField(b, 'StartIndex', -1) },
    { label: 'unknown extra property', field: 'Extra', change: (b) => withField(b, 'Extra', true) },
  ],
};

/** Explicit cases first, then derived ones that send a body no explicit case sends. */
function bodyCases(op: Operation, base: JsonObject): BodyCase[] {
  const explicit = (EXPLICIT_BODY_CASES[op.operationId] ?? []).map(({ label, field, change }) => ({ label, field, body: change(base) }));
  const seen = new Set(explicit.map((c) => JSON.stringify(c.body)));
  const derived: BodyCase[] = [];
  for (const c of derivedCases(op, base)) {
    const key = JSON.stringify(c.body);
    if (seen.has(key)) continue;
    seen.add(key);
    derived.push({ ...c, label: `derived: ${c.label}` });
  }
  return [...explicit, ...derived];
}

/** Whether Ajv's errors point at `field`, the way Prism's do: as the path or as the missing/unknown name. */
function ajvNamesField(errors: ReadonlyArray<{ instancePath: string; params: Record<string, unknown> }>, field: string): boolean {
  return errors.some(
    (e) => e.instancePath.split('/').includes(field) || e.params['missingProperty'] === field || e.params['additionalProperty'] === field,
  );
}

// --- Tests ------------------------------------------------------------------------------------------------------

describe('the authentication query parameters', () => {
  it('are the five names the helper sends, required together by the document', () => {
    expect(securityQueryNames().sort()).toEqual(Object.keys(authQuery()).sort());
  });

  it('explicit query cases name only parameters the document has', () => {
    const names = new Set(operations.flatMap((op) => queryParameters(op).map((p) => p.name)));
    expect(Object.keys(EXPLICIT_INVALID_QUERY).filter((name) => !names.has(name))).toEqual([]);
  });

  it('explicit body cases name only operations the document has', () => {
    const ids = operations.map((op) => op.operationId);
    expect(Object.keys(EXPLICIT_BODY_CASES).filter((id) => !ids.includes(id))).toEqual([]);
  });
});

for (const op of operations) {
  describe(`${op.operationId} (POST ${op.path})`, () => {
    const base = baseBody(op);
    const validateRequest = validatorFor(op.requestSchemaRef);

    it('accepts the base request, so each refusal below is caused by its one change', async () => {
      expect(validateRequest(base), describeErrors(validateRequest)).toBe(true);
      const reply = await postToPrism(op.path, { body: base });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    });

    for (const name of securityQueryNames()) {
      it(`refuses a call without ${name} (401)`, async () => {
        const query = authQuery();
        delete query[name];
        const reply = await postToPrism(op.path, { query, body: base });
        expect(reply.status, JSON.stringify(reply.body)).toBe(401);
        expect(reply.contentType).toMatch(/^application\/problem\+json/);
      });

      it(`refuses a call with an empty ${name} (401: Prism counts an empty API key as absent)`, async () => {
        const reply = await postToPrism(op.path, { query: { ...authQuery(), [name]: '' }, body: base });
        expect(reply.status, JSON.stringify(reply.body)).toBe(401);
      });
    }

    const parameters = queryParameters(op);
    it('declares each security query parameter as a typed query parameter too', () => {
      expect(parameters.map((p) => p.name).sort()).toEqual(securityQueryNames().sort());
    });

    for (const parameter of parameters) {
      for (const value of invalidQueryValues(parameter)) {
        it(`refuses ${parameter.name}=${JSON.stringify(value)} (422 naming ${parameter.name})`, async () => {
          const reply = await postToPrism(op.path, { query: { ...authQuery(), [parameter.name]: value }, body: base });
          expect(reply.status, JSON.stringify(reply.body)).toBe(422);
          expect(reply.contentType).toMatch(/^application\/problem\+json/);
          const named = violationsOf(reply).filter((v) => v.location?.[0] === 'query' && namesField(v, parameter.name));
          expect(named.length, JSON.stringify(reply.body)).toBeGreaterThan(0);
        });
      }
    }

    for (const { label, field, body } of bodyCases(op, base)) {
      it(`refuses a body with ${label} (422 naming ${field})`, async () => {
        // The document itself refuses it, for the same field: the mock is only the second witness.
        expect(validateRequest(body)).toBe(false);
        expect(ajvNamesField(validateRequest.errors ?? [], field), describeErrors(validateRequest)).toBe(true);

        const reply = await postToPrism(op.path, { body });
        expect(reply.status, JSON.stringify(reply.body)).toBe(422);
        expect(reply.contentType).toMatch(/^application\/problem\+json/);
        const named = violationsOf(reply).filter((v) => v.location?.[0] === 'body' && namesField(v, field));
        expect(named.length, JSON.stringify(reply.body)).toBeGreaterThan(0);
      });
    }

    // Prism 5.14 does not answer 415 to a body without Content-Type: it does not parse the bytes as JSON, so the
    // body fails the schema as a non-object (422). 415 is its answer to a declared but unsupported media type.
    it('answers 422 ("body must be object") to a JSON body sent without Content-Type', async () => {
      const reply = await postToPrism(op.path, { rawBody: new TextEncoder().encode(JSON.stringify(base)) });
      expect(reply.status, JSON.stringify(reply.body)).toBe(422);
      const bodyType = violationsOf(reply).filter((v) => v.code === 'type' && v.location?.join('.') === 'body');
      expect(bodyType.length, JSON.stringify(reply.body)).toBe(1);
    });

    it('answers 415 to a body sent as text/plain', async () => {
      const reply = await postToPrism(op.path, { body: base, headers: { 'content-type': 'text/plain' } });
      expect(reply.status, JSON.stringify(reply.body)).toBe(415);
      expect(reply.contentType).toMatch(/^application\/problem\+json/);
    });
  });
}
