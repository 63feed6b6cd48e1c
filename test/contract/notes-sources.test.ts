// The document's hosts and codes against openapi/NOTES.md: every host the document declares has a recorded vendor
// source, every correction row names its source, and what NOTES.md says was left out is not in the document.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const notes = readFileSync(new URL('openapi/NOTES.md', root), 'utf8');
const document = parse(readFileSync(new URL('openapi/openapi.yaml', root), 'utf8')) as {
  servers: { variables: { host: { 'x-regions': Record<string, { host: string; backupHost?: string; note?: string }> } } }[];
};
const codes = (parse(readFileSync(new URL('openapi/components/error-codes.yaml', root), 'utf8')) as { code: number }[]).map((c) => c.code);
const regions = document.servers[0]!.variables.host['x-regions'];

/** The text of a `## Heading` section of NOTES.md. */
function section(heading: string): string {
  const start = notes.indexOf(`\n## ${heading}\n`);
  expect(start, `NOTES.md has a "${heading}" section`).toBeGreaterThan(-1);
  const end = notes.indexOf('\n## ', start + 1);
  return notes.slice(start, end === -1 ? undefined : end);
}

/** Table rows (not header or rule) of a section. */
const rows = (text: string) => text.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ---') && !/^\| (#|Host) \|/.test(line));

const VENDOR_PAGE = /https:\/\/(?:www\.)?(?:cloud\.tencent\.com|tencentcloud\.com|trtc\.io)\/\S+/;

describe('NOTES.md records a vendor page for every host of the document', () => {
  const hosts = section('Hosts');
  for (const [name, region] of Object.entries(regions)) {
    it(`${name}: its host${region.backupHost ? ' and backup host are' : ' is'} named in a row that cites a vendor page`, () => {
      const cited = rows(hosts).filter((row) => VENDOR_PAGE.test(row));
      expect(cited.some((row) => row.includes(`\`${region.host}\``)), region.host).toBe(true);
      if (region.backupHost) expect(cited.some((row) => row.includes(`\`${region.backupHost}\``)), region.backupHost).toBe(true);
      else expect(hosts, `${name}: NOTES.md says no vendor page names its backup host`).toMatch(new RegExp(`${region.host.replaceAll('.', '\\.')}[^|]*\\|?[^\\n]*no backup host on any vendor page`));
    });
  }
});

describe('NOTES.md corrections', () => {
  it('name a source in every row: a vendor page, a repository path, or the seed that has no statement', () => {
    const corrections = rows(section("Corrections from the vendor's current pages"));
    expect(corrections.length).toBeGreaterThan(10);
    for (const row of corrections) {
      const source = row.split(' | ').at(-1) ?? '';
      expect(source, row.slice(0, 60)).toMatch(/https:\/\/|[a-z0-9-]+\/[a-z0-9_-]+ `[^`]+\.(rs|go)`|seed \d{3}|vendor's "|issue trackers/);
    }
  });

  it('what it says was left out is not in the document', () => {
    const notVerified = section('Not verified');
    for (const code of [70114, 70206]) {
      expect(notVerified).toContain(String(code));
      expect(codes).not.toContain(code);
    }
    expect(codes).not.toContain(70202);
  });
});
