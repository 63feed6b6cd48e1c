// The x-codeSamples of the bundle: made from the document's own request examples (never typed), with the full URL and
// the five query parameters in curl, and the TypeScript call through the package, where 64-bit cursors are strings.
import { describe, expect, it } from 'vitest';
import { codeSamples } from '../../scripts/bundle.mjs';
import { document, listOperations, type JsonObject } from '../support/spec-document.js';

const paths = document['paths'] as Record<string, { post: JsonObject }>;

describe('generated code samples', () => {
  for (const op of listOperations()) {
    it(`${op.operationId}: curl and TypeScript from its first request example`, () => {
      const samples = paths[op.path]!.post['x-codeSamples'] as { label: string; source: string }[];
      expect(samples.map((s) => s.label)).toEqual(['curl', 'TypeScript']);
      const [curl, ts] = samples.map((s) => s.source);
      expect(curl).toContain(`https://$TIM_HOST${op.path}?sdkappid=$SDKAPPID&identifier=$IDENTIFIER&usersig=$USERSIG&random=$RANDOM&contenttype=json`);
      // The reader's region: TIM_HOST defaults to China's host, and the comment points at the Regions table.
      expect(curl).toContain('TIM_HOST=${TIM_HOST:-console.tim.qq.com}');
      expect(curl).toMatch(/your region's host from Regions/);
      // The UserSig in one line, through the package's genUserSig, from the environment's secret key.
      expect(curl).toMatch(/^USERSIG=\$\(node -e "import\('tim-rest-client'\).*m\.genUserSig\(\{ sdkAppId: \+process\.env\.SDKAPPID, identifier: process\.env\.IDENTIFIER, secretKey: process\.env\.TIM_SECRET_KEY, expireSeconds: 86400 \}\).*"\)$/m);
      expect(curl).toContain(`-d '${JSON.stringify(op.requestExamples[0]!.value)}'`);
      expect(ts).toContain(`await chat.${op.operationId}(`);
    });
  }

  it('writes a 64-bit cursor as a decimal string in TypeScript, and as a bare number in curl', () => {
    const operation = structuredClone(paths['/v4/group_open_http_svc/get_appid_group_list']!.post);
    const media = ((operation['requestBody'] as JsonObject)['content'] as Record<string, JsonObject>)['application/json']!;
    media['examples'] = { paged: { value: { Limit: 1000, Next: 4454685361 } } };
    const [curl, ts] = codeSamples(document, '/v4/group_open_http_svc/get_appid_group_list', operation).map((s) => s.source);
    expect(ts).toContain("await chat.getAppGroups({\n  Limit: 1000,\n  Next: '4454685361',\n});");
    expect(curl).toContain(`-d '{"Limit":1000,"Next":4454685361}'`);
  });
});
