// The document against the vendor's current pages: one block per correction (sources in openapi/NOTES.md, "Corrections
// from the vendor's current pages"), each checking the bundle users get (generated/openapi.json, .yaml), the facts
// the client is generated from, or the mock. Every block failed on the document before the correction.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes as facts, operations as operationFacts, regions, backupHosts } from '../../generated/api-facts.js';
import { document, errorCodes, listOperations, operationByPath, resolve, validatorFor, describeErrors, type JsonObject } from '../support/spec-document.js';
import { postToPrism, violationsOf, namesField } from '../support/spec-prism.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const schemas = (document['components'] as JsonObject)['schemas'] as Record<string, JsonObject>;
const property = (schema: string, name: string) => resolve((schemas[schema]!['properties'] as JsonObject)[name]) as JsonObject;
const descriptionOf = (schema: string, name: string) => String(((schemas[schema]!['properties'] as JsonObject)[name] as JsonObject)['description']);
const replyProperties = (schema: string) =>
  ((schemas[schema]!['allOf'] as JsonObject[]).find((part) => part['properties'])!['properties'] as Record<string, JsonObject>);
const pathItem = (path: string) => ((document['paths'] as JsonObject)[path] as JsonObject)['post'] as JsonObject;

describe('1. group_get LastSequence: absent from the current page, optional, not recommended', () => {
  const request = schemas['GroupGetRequest']!;
  it('is optional and described as accepted by older versions, absent from the current page', () => {
    expect(request['required']).not.toContain('LastSequence');
    expect(descriptionOf('GroupGetRequest', 'LastSequence')).toMatch(/older versions/);
    expect(descriptionOf('GroupGetRequest', 'LastSequence')).toMatch(/Absent from the vendor's current page \(English and Chinese/);
    // Described, not settled: no rule the mock would enforce, and the peers that still send it are named.
    expect(descriptionOf('GroupGetRequest', 'LastSequence')).toMatch(/some peer SDKs still send it/);
  });
  it('is no longer recommended: neither the operation nor CurrentSequence tells callers to send it', () => {
    expect(String(pathItem('/v4/sns/group_get')['description'])).not.toMatch(/LastSequence/);
    expect(String(replyProperties('GroupGetResponse')['CurrentSequence']!['description'])).not.toMatch(/LastSequence/);
  });
});

describe('2. group_get GroupName: at most 32 names per call', () => {
  it('declares maxItems 32, and the schema refuses 33 names and takes 32', () => {
    expect(property('GroupGetRequest', 'GroupName')['maxItems']).toBe(32);
    const validate = validatorFor('#/components/schemas/GroupGetRequest');
    const names = (n: number) => Array.from({ length: n }, (_, i) => `list${i}`);
    expect(validate({ From_Account: 'a', GroupName: names(32) }), describeErrors(validate)).toBe(true);
    expect(validate({ From_Account: 'a', GroupName: names(33) })).toBe(false);
  });
});

describe('3. get_appid_group_list: at most 1 call per second', () => {
  it('declares x-rate-limit 1/s, and the client facts carry it', () => {
    expect(pathItem('/v4/group_open_http_svc/get_appid_group_list')['x-rate-limit']).toEqual({ requestsPerSecond: 1 });
    expect(operationFacts.getAppGroups.requestsPerSecond).toBe(1);
  });
});

describe('4. regions: Tokyo, India (Mumbai), one place', () => {
  const host = ((document['servers'] as JsonObject[])[0]!['variables'] as JsonObject)['host'] as JsonObject;
  const declared = host['x-regions'] as Record<string, { host: string; backupHost?: string; location: string; note?: string }>;
  it('names the Tokyo host tokyo, and India keeps its name with the pages\' "Mumbai" noted', () => {
    expect(declared['tokyo']?.host).toBe('adminapijpn.im.qcloud.com');
    expect(regions).toHaveProperty('tokyo', 'adminapijpn.im.qcloud.com');
    expect(declared['india']?.host).toBe('adminapiind.im.qcloud.com');
    expect(declared['india']?.location).toMatch(/Mumbai/);
  });
  it('derives the host enum and the client regions from x-regions alone', () => {
    expect(host['enum']).toEqual(Object.values(declared).flatMap((r) => (r.backupHost ? [r.host, r.backupHost] : [r.host])));
    expect(regions).toEqual(Object.fromEntries(Object.entries(declared).map(([name, r]) => [name, r.host])));
    expect(backupHosts).toEqual(Object.fromEntries(Object.entries(declared).flatMap(([name, r]) => (r.backupHost ? [[name, r.backupHost]] : []))));
  });
  it('says beside India that the current pages no longer list it, and that Tokyo has no backup host on any page', () => {
    expect(declared['india']?.note).toMatch(/earlier versions of the vendor's pages.*no longer list India/s);
    expect(declared['tokyo']?.backupHost).toBeUndefined();
    expect(declared['tokyo']?.note).toMatch(/No vendor page names a backup host/);
  });
});

describe('group_get NeedFriend: the pages contradict themselves, and the description says so', () => {
  it('keeps "valid only when GroupName is empty" as the table\'s word, beside the sample that sends both', () => {
    const text = descriptionOf('GroupGetRequest', 'NeedFriend');
    expect(text).toMatch(/valid only when `GroupName` is empty/);
    expect(text).toMatch(/"complete" sample sends\s+both/);
  });
  it('leaves the combination valid (no dependency rule the mock would enforce)', () => {
    const request = schemas['GroupGetRequest']!;
    for (const keyword of ['dependentSchemas', 'dependencies', 'oneOf', 'not', 'if']) expect(request).not.toHaveProperty(keyword);
  });
});

describe('the 64-bit cursors are consistent', () => {
  it('carry no signed int64 format with an unsigned maximum, and every int64 stays within the signed range', () => {
    const cursor = schemas['Int64Cursor']!;
    expect(cursor).not.toHaveProperty('format');
    expect(cursor).toMatchObject({ type: 'integer', minimum: 0 });
    expect(String(cursor['description'])).toMatch(/4454685361/);
    expect(String(cursor['description'])).toMatch(/assumed/);
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') {
        const schema = node as JsonObject;
        if (schema['format'] === 'int64' && typeof schema['maximum'] === 'number') expect(schema['maximum']).toBeLessThanOrEqual(2 ** 63);
        Object.values(schema).forEach(visit);
      }
    };
    visit(schemas);
  });
});

describe('5. SnsProfileItem.Value: which fields are integers', () => {
  const text = descriptionOf('SnsProfileItem', 'Value');
  it('lists the integer fields and gives Tag_Profile_IM_AllowType as a string', () => {
    const integers = /an integer for ([^;]+);/.exec(text)?.[1] ?? '';
    for (const tag of ['BirthDay', 'Language', 'MsgSettings', 'Level', 'Role', 'Tag_SNS_IM_AddTime']) expect(integers).toContain(tag);
    expect(integers).not.toContain('AllowType');
    expect(text).toMatch(/a string for [^;]*`Tag_Profile_IM_AllowType` \(`AllowType_Type_/);
  });
  it('takes a held reply whose AllowType is an AllowType_Type_* string', () => {
    const validate = validatorFor(operationByPath('/v4/sns/friend_get_list').responseSchemaRef);
    const reply = {
      ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '',
      InfoItem: [{ To_Account: 'u2', ResultCode: 0, SnsProfileItem: [{ Tag: 'Tag_Profile_IM_AllowType', Value: 'AllowType_Type_NeedConfirm' }, { Tag: 'Tag_Profile_IM_Level', Value: 3 }] }],
    };
    expect(validate(reply), describeErrors(validate)).toBe(true);
  });
});

describe('6. error codes from the vendor\'s current error-code page', () => {
  const byCode = new Map(errorCodes().map((entry) => [entry.code, entry as unknown as JsonObject & { description: string }]));
  it('60004 and 60005 include account or signature errors', () => {
    for (const code of [60004, 60005]) expect(byCode.get(code)?.description).toMatch(/account or signature error/);
  });
  it('lists 60013, 70050 (a one-minute lock that a repeat of the same usersig hits again: not retried) and 70051', () => {
    expect(byCode.get(60013)?.description).toMatch(/parse/);
    expect(byCode.get(70050)).toMatchObject({ retryable: false, minRetryWaitMs: 60_000 });
    expect(facts[70050]).toMatchObject({ retryable: false, resign: false, minRetryWaitMs: 60_000 });
    expect(byCode.get(70050)?.description).toMatch(/same UserSig again after the minute hits the lock again/);
    expect(byCode.get(70050)?.description).toMatch(/pre-made UserSig is never worth retrying/);
    expect(byCode.get(70051)).toMatchObject({ retryable: false });
    expect(byCode.get(70051)?.description).toMatch(/blocklisted/);
  });
  it('marks exactly the too-many-requests codes rateLimit', () => {
    const limited = errorCodes().filter((entry) => (entry as unknown as JsonObject)['rateLimit'] === true).map((entry) => entry.code);
    expect(limited).toEqual([60007, 60011, 60018, 60019]);
    expect(Object.entries(facts).filter(([, f]) => f.rateLimit).map(([code]) => Number(code))).toEqual(limited);
  });
  it('marks every operation idempotent', () => {
    for (const op of listOperations()) expect(pathItem(op.path)['x-idempotent'], op.operationId).toBe(true);
    for (const [id, op] of Object.entries(operationFacts)) expect(op.idempotent, id).toBe(true);
  });
});

describe('7. Next is an unsigned 64-bit integer', () => {
  it('declares minimum 0 and maximum 18446744073709551615, written with every digit', () => {
    const cursor = resolve(replyProperties('GetAppIdGroupListResponse')['Next']) as JsonObject;
    expect(cursor['minimum']).toBe(0);
    expect(cursor['description']).toMatch(/unsigned 64-bit/);
    expect(read('generated/openapi.json')).toContain('"maximum": 18446744073709551615\n');
    expect(read('generated/openapi.yaml')).toContain('maximum: 18446744073709551615\n');
    expect(read('generated/openapi.mock.yaml')).toContain('maximum: 18446744073709551615\n');
  });
  it('the mock takes a Next above 2^53 and the unsigned 64-bit maximum, and refuses -1', async () => {
    const path = '/v4/group_open_http_svc/get_appid_group_list';
    for (const next of ['9007199254740993', '18446744073709551615']) {
      // Written as raw JSON text: a JavaScript number would round before the mock ever saw it.
      const reply = await postToPrism(path, { rawBody: new TextEncoder().encode(`{"Limit":10,"Next":${next}}`), headers: { 'content-type': 'application/json' } });
      expect(reply.status, `Next ${next}: ${JSON.stringify(reply.body)}`).toBe(200);
    }
    const negative = await postToPrism(path, { body: { Next: -1 } });
    expect(negative.status).toBe(422);
    expect(violationsOf(negative).some((v) => namesField(v, 'Next'))).toBe(true);
  });
  it('the mock\'s bundle drops format int64 only where a double cannot hold the values', () => {
    const mock = read('generated/openapi.mock.yaml');
    const cursor = /\n {4}Int64Cursor:\n([\s\S]*?)\n {4}\w/.exec(mock)?.[1] ?? '';
    expect(cursor).toContain('maximum: 18446744073709551615');
    expect(cursor).not.toContain('format: int64');
    expect(mock).toMatch(/format: int64\n\s+minimum: 0\n\s+maximum: 9007199254740991/);
  });
});

describe('8. the envelope: ActionStatus may be absent', () => {
  it('requires ErrorCode only', () => {
    expect(schemas['Envelope']!['required']).toEqual(['ErrorCode']);
  });
  for (const op of listOperations()) {
    it(`${op.operationId}: a reply without ActionStatus and a FAIL envelope are both valid`, () => {
      const validate = validatorFor(op.responseSchemaRef);
      expect(validate({ ErrorCode: 0, ErrorInfo: '' }), describeErrors(validate)).toBe(true);
      expect(validate({ ActionStatus: 'FAIL', ErrorCode: 60018, ErrorInfo: 'too many requests' }), describeErrors(validate)).toBe(true);
      expect(validate({ ActionStatus: 'OK' })).toBe(false);
    });
  }
});

describe('9. InfoItem order: no page promises one', () => {
  it('states the order the client gives (the order of its calls), not a server promise', () => {
    const text = String(replyProperties('FriendGetListResponse')['InfoItem']!['description']);
    expect(text).not.toMatch(/in request order/);
    expect(text).toMatch(/does not document their order/);
    expect(String(pathItem('/v4/sns/friend_get_list')['description'])).not.toMatch(/in request order/);
  });
});

describe('what readers of the published document see', () => {
  const published = read('generated/openapi.json');
  it('names no file of this repository and no "older/newer page"', () => {
    expect(published).not.toMatch(/NOTES\.md|openapi\/|older page|newer page/);
  });
  it('speaks to readers in words, not in the names of the document\'s extensions', () => {
    const descriptions: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if ((key === 'description' || key === 'summary') && typeof value === 'string') descriptions.push(value);
          else walk(value);
        }
      }
    };
    walk(document);
    expect(descriptions.filter((text) => /`x-[a-z-]+`/.test(text))).toEqual([]);
  });
  it('has a short title and the package\'s version', () => {
    const info = document['info'] as JsonObject;
    expect(String(info['title']).length).toBeLessThanOrEqual(40);
    expect(info['version']).toBe(JSON.parse(read('package.json')).version);
  });
});
