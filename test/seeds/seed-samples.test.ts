// The vendor's own samples (the seed pages) against the description: every request sample must validate against its
// operation's request schema and every response sample against its 200 schema. The page → operation mapping comes
// from the `v4/...` path of each page's sample request URL. The samples are the repository's copy in
// test/seeds/samples.json (`npm run seeds -- <dir>` extracts them from the pages with the extractor tested below).
import { describe, expect, it } from 'vitest';
import { describeErrors, errorCodes, operationByPath, validatorFor } from '../support/spec-document.js';
import { extractSamples, sampleApiPath, storedSeedPages } from '../support/spec-seed-samples.js';

// Counted by reading the pages, so that an extractor finding fewer (or zero) samples fails here.
// `errorCodes`: rows of the page's table of error codes specific to the API.
const EXPECTED: Record<string, { path: string; request: number; response: number; errorCodes: number }> = {
  // Pulling Lists, plain-text dump: basic and complete request; the two responses (blank lines inside).
  '000': { path: '/v4/sns/group_get', request: 2, response: 2, errorCodes: 5 },
  // Pulling Lists, markdown: the same four with LastSequence, in code fences.
  '001': { path: '/v4/sns/group_get', request: 2, response: 2, errorCodes: 5 },
  // Pulling Specified Friends: basic and batch request (the latter labelled "Response to a batch request"),
  // basic and batch response.
  '002': { path: '/v4/sns/friend_get_list', request: 2, response: 2, errorCodes: 5 },
  // Getting All Groups: `{}`, `{"Limit": 1000,"Next": 0}` (glued to a sentence), two one-liners with a `// comment`
  // before the closing brace, one response. The two `{“Limit” : 20, …}` in prose are not samples.
  '003': { path: '/v4/group_open_http_svc/get_appid_group_list', request: 4, response: 1, errorCodes: 4 },
  // Pulling Conversation Group Mark Data: one request, one response; 50001–50005 and 51006–51013.
  '004': { path: '/v4/recentcontact/get_contact_group', request: 1, response: 1, errorCodes: 13 },
};

const pages = storedSeedPages();

describe('the sample extractor', () => {
  it('drops a // comment that sits before the closing brace, and keeps // inside strings', () => {
    const [sample] = extractSamples('x {"A" : "http://h" // note. }\n}');
    expect(sample?.value).toEqual({ A: 'http://h' });
  });

  it('reads a sample spread over lines with blank lines inside, and one glued to prose', () => {
    const samples = extractSamples('text.{"N": 1}\n{\n\n"L":\n\n[\n\n"a"\n\n]\n\n}\n');
    expect(samples.map((s) => s.value)).toEqual([{ N: 1 }, { L: ['a'] }]);
    expect(samples.map((s) => s.line)).toEqual([1, 2]);
  });

  it('leaves prose objects with typographic quotes alone', () => {
    expect(extractSamples('are {“Limit” : 20, “Next” : Previously returned Next value}, and')).toEqual([]);
  });

  it('tells responses (with ActionStatus) from requests', () => {
    const kinds = extractSamples('{"From_Account":"a"}\n{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}').map((s) => s.kind);
    expect(kinds).toEqual(['request', 'response']);
  });

  it('finds the path of the sample request URL and only that', () => {
    const text = 'https://xxxxxx/v4/sns/group_get?sdkappid=88888888\nsee https://tcc.tencentcs.com/im-api-tool/index.html#v4/sns/group_add';
    expect(sampleApiPath(text)).toBe('/v4/sns/group_get');
  });
});

describe('the seed pages', () => {
  it('are the pages counted here', () => {
    expect(pages.map((p) => p.page)).toEqual(Object.keys(EXPECTED));
  });
});

for (const page of pages) {
  const expected = EXPECTED[page.page];
  describe(`seed ${page.file} (${page.apiPath})`, () => {
    it(`holds ${expected ? expected.request + expected.response : '?'} samples: ${expected?.request} request(s), ${expected?.response} response(s)`, () => {
      expect(page.apiPath).toBe(expected?.path);
      expect(page.samples.filter((s) => s.kind === 'request').length).toBe(expected?.request);
      expect(page.samples.filter((s) => s.kind === 'response').length).toBe(expected?.response);
    });

    const operation = operationByPath(page.apiPath);

    it(`lists ${expected?.errorCodes} error codes of its own, exactly those x-error-codes gives ${operation.operationId}`, () => {
      expect(page.errorCodes.length).toBe(expected?.errorCodes);
      const own = errorCodes().filter((entry) => entry.operations?.includes(operation.operationId)).map((entry) => entry.code);
      expect([...own].sort()).toEqual([...page.errorCodes].sort());
    });

    for (const sample of page.samples) {
      const where = `sample ${sample.index} (line ${sample.line}, ${sample.kind})`;

      it(`${where} is JSON once comments are dropped, and validates against ${operation.operationId}'s ${sample.kind} schema`, () => {
        expect(sample.parseError, sample.json).toBeUndefined();
        const validate = validatorFor(sample.kind === 'request' ? operation.requestSchemaRef : operation.responseSchemaRef);
        expect(validate(sample.value), describeErrors(validate)).toBe(true);
      });

      // The document's examples are the vendor's samples: one drifting from the other is a defect in one of them.
      it(`${where} is one of ${operation.operationId}'s ${sample.kind} examples`, () => {
        const examples = sample.kind === 'request' ? operation.requestExamples : operation.responseExamples;
        expect(examples.map((e) => e.value)).toContainEqual(sample.value);
      });
    }
  });
}
