// Pulls the JSON request/response samples out of the vendor's pages, whatever the dump format: plain text, markdown
// with code fences, one-line objects, objects spread over many lines with blank lines inside, and `// comments` inside
// objects. Prose is left alone. The pages themselves are not part of the repository: `npm run seeds -- <dir>`
// (scripts/extract-seed-samples.ts) runs this extractor over them once and writes what the tests need, the samples
// with their page and position, to test/seeds/samples.json; the tests read only that file.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface SeedSample {
  /** Page id: the file name's leading number, e.g. "003". */
  page: string;
  /** 1-based position of the sample on its page. */
  index: number;
  /** 1-based line where the sample starts. */
  line: number;
  /** The sample as found, comments included. */
  raw: string;
  /** The sample with comments removed: what JSON.parse was given. */
  json: string;
  value?: unknown;
  /** Why JSON.parse refused `json`, when it did. */
  parseError?: string;
  /** A sample carrying the reply envelope's `ActionStatus` is a response; any other is a request. */
  kind: 'request' | 'response';
}

export interface SeedPage {
  page: string;
  file: string;
  /** `/v4/...` from the page's sample request URL (`https://xxxxxx/v4/...?sdkappid=...`). */
  apiPath: string;
  samples: SeedSample[];
  /** The page's own error codes (its table of codes specific to this API), in page order. */
  errorCodes: number[];
}

/** The path of the page's sample request URL; the pages write the host as the placeholder `xxxxxx`. */
export function sampleApiPath(text: string, file = 'page'): string {
  const paths = new Set([...text.matchAll(/https:\/\/xxxxxx(\/v4\/[A-Za-z0-9_/]+)\?/g)].map((m) => m[1]!));
  if (paths.size !== 1) throw new Error(`${file}: expected one sample URL path, found ${[...paths].join(', ') || 'none'}`);
  return [...paths][0]!;
}

/**
 * Reads one JSON value that starts at `start` (a `{`), up to its matching close, and returns its text with
 * `// comments` removed and the offset just past it. Strings are skipped as units, so braces and slashes inside
 * them count for nothing. A comment runs to the end of its line, except for closing brackets at its very end:
 * page 003's one-line samples put the comment before the object's `}` (`"Public" // Type of ... pulled.}`).
 */
function readValue(text: string, start: number): { json: string; end: number } {
  let json = '';
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      const close = findStringEnd(text, i);
      json += text.slice(i, close + 1);
      i = close;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      const eol = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
      const closers = /[\s}\]]*$/.exec(text.slice(i, eol))![0];
      i = eol - closers.length - 1; // resume at the closers, which count like any other
      continue;
    }
    json += ch;
    if (ch === '{' || ch === '[') depth++;
    if (ch === '}' || ch === ']') depth--;
    if (depth === 0) return { json, end: i + 1 };
  }
  throw new Error(`unbalanced JSON starting at offset ${start}`);
}

function findStringEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  throw new Error(`unterminated string at offset ${open}`);
}

/**
 * Every sample on a page. A sample starts at a `{` followed (after any whitespace, blank lines included) by a
 * straight `"` or by `}`: the start of a JSON object. The pages do not reliably set samples on their own line (003
 * glues `{"Limit": 1000,"Next": 0}` to the end of a sentence), so the position on the line cannot be the test. Prose
 * objects are not samples and are left out by the same rule: 003's `{“Limit” : 20, “Next” : Previously returned
 * Next value}` uses typographic quotes (and a placeholder for a value).
 */
export function extractSamples(text: string, page = 'page'): SeedSample[] {
  const samples: SeedSample[] = [];
  const objectStarts = /\{(?=\s*["}])/g;
  let match: RegExpExecArray | null;
  while ((match = objectStarts.exec(text)) !== null) {
    const start = match.index;
    const { json, end } = readValue(text, start);
    const line = text.slice(0, start).split('\n').length;
    const sample: SeedSample = { page, index: samples.length + 1, line, raw: text.slice(start, end), json, kind: 'request' };
    try {
      sample.value = JSON.parse(json);
      const isReply = sample.value !== null && typeof sample.value === 'object' && 'ActionStatus' in sample.value;
      sample.kind = isReply ? 'response' : 'request';
    } catch (error) {
      sample.parseError = (error as Error).message;
    }
    samples.push(sample);
    objectStarts.lastIndex = end; // objects nested in this sample are part of it
  }
  return samples;
}

/** Every seed page (files named `NNN_*.txt`) of a directory of vendor pages, in file order. */
export function loadSeedPages(dir: string): SeedPage[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}_.*\.txt$/.test(file))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const page = file.slice(0, 3);
      return { page, file, apiPath: sampleApiPath(text, file), samples: extractSamples(text, page), errorCodes: pageErrorCodes(text) };
    });
}

/**
 * The codes of the page's "error codes specific to this API" table. Whatever the dump format, each row starts its
 * line with the five-digit code: `30001` alone (plain text), `| 30001 |` (markdown) or `30001 | …` (flattened table).
 */
export function pageErrorCodes(text: string): number[] {
  const start = text.search(/error codes specific to this API/i);
  if (start === -1) return [];
  const end = text.indexOf('debug this API', start);
  const table = text.slice(start, end === -1 ? undefined : end);
  return [...table.matchAll(/^\|?[ \t]*(\d{5})[ \t]*(?:\||$)/gm)].map((m) => Number(m[1]));
}

/** What test/seeds/samples.json holds of a page: no prose, and no comments (they are the vendor's words too). */
export interface StoredSeedPage {
  page: string;
  file: string;
  apiPath: string;
  errorCodes: number[];
  samples: { index: number; line: number; kind: 'request' | 'response'; json: string }[];
}

export interface StoredSeeds {
  about: string;
  pages: StoredSeedPage[];
}

export const storedSeedsFile = new URL('../seeds/samples.json', import.meta.url);

export function toStored(pages: SeedPage[]): StoredSeeds {
  return {
    about: "JSON samples of the vendor's API pages, with their page and position; written by `npm run seeds -- <dir of pages>`, never by hand.",
    pages: pages.map(({ page, file, apiPath, errorCodes, samples }) => ({
      page,
      file,
      apiPath,
      errorCodes,
      samples: samples.map(({ index, line, kind, json }) => ({ index, line, kind, json })),
    })),
  };
}

/** The committed samples, parsed again as the extractor parsed them (so a sample that is not JSON still shows). */
export function storedSeedPages(): SeedPage[] {
  const stored = JSON.parse(readFileSync(storedSeedsFile, 'utf8')) as StoredSeeds;
  return stored.pages.map((page) => ({
    page: page.page,
    file: page.file,
    apiPath: page.apiPath,
    errorCodes: page.errorCodes,
    samples: page.samples.map((sample) => {
      const restored: SeedSample = { page: page.page, ...sample, raw: sample.json };
      try {
        restored.value = JSON.parse(sample.json);
      } catch (error) {
        restored.parseError = (error as Error).message;
      }
      return restored;
    }),
  }));
}
