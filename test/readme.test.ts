// README is executed, not just read. Every code block whose fence says `ts runnable` (or `js runnable`) runs against
// the mock (the Prism of the global setup: `http://127.0.0.1:4010` in the text becomes its URL), with the package's
// imports pointed at this checkout's source; a `text output` block right after it is what it must print, exactly.
// A block that uses `chat` without creating it runs after the block marked `runnable setup` (README says so). All
// blocks are also type-checked together with the project's strict settings. README's list of the mock's named
// replies, its regions and its error-code table are checked against the document they describe.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { listOperations } from './support/spec-document.js';
import { errorCodes, operations, rateLimitMargin, regions } from '../generated/api-facts.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const run = promisify(execFile);
const MOCK_IN_TEXT = 'http://127.0.0.1:4010';

interface Fence {
  info: string[];
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

function fencesOf(markdown: string): Fence[] {
  const fences: Fence[] = [];
  const pattern = /^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(markdown)) !== null) {
    fences.push({ info: match[1]!.trim().split(/\s+/).filter(Boolean), code: match[2]!, line: markdown.slice(0, match.index).split('\n').length });
  }
  return fences;
}

interface Runnable extends Fence {
  setup: boolean;
  expected?: string;
}

const fences = fencesOf(readme);
const runnables: Runnable[] = fences.flatMap((fence, i) => {
  if (!['ts', 'js'].includes(fence.info[0] ?? '') || !fence.info.includes('runnable')) return [];
  const next = fences[i + 1];
  const expected = next?.info[0] === 'text' && next.info.includes('output') ? next.code : undefined;
  return [{ ...fence, setup: fence.info.includes('setup'), ...(expected === undefined ? {} : { expected }) }];
});
const setupBlock = runnables.find((block) => block.setup);

/** `tim-rest-client` and its subpaths → this checkout's source, from package.json's exports (dist/X.js ← X.ts). */
function sourceOf(specifier: string): string {
  const exports = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports;
  const entry = exports[specifier === 'tim-rest-client' ? '.' : `./${specifier.slice('tim-rest-client/'.length)}`] as { import?: string } | undefined;
  const built = entry?.import;
  if (!built?.startsWith('./dist/')) throw new Error(`README imports ${specifier}, which package.json does not export as code`);
  // Relative to the written blocks (test-output/readme/), so that tsc resolves it as well as tsx does.
  return `../../${built.slice('./dist/'.length)}`;
}

function moduleSource(block: Runnable, mockUrl: string): string {
  const usesSharedClient = /\bchat\b/.test(block.code) && !/\b(const|let)\s+chat\b/.test(block.code);
  const code = `${usesSharedClient && setupBlock ? `${setupBlock.code}\n` : ''}${block.code}`;
  return code.replaceAll(MOCK_IN_TEXT, mockUrl).replace(/from '(tim-rest-client(?:\/[\w./-]+)?)'/g, (_, specifier: string) => `from '${sourceOf(specifier)}'`);
}

const outDir = join(root, 'test-output', 'readme');
const fileOf = (block: Runnable): string => join(outDir, `line-${block.line}.mts`);

describe('README', () => {
  beforeAll(() => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    for (const block of runnables) writeFileSync(fileOf(block), moduleSource(block, inject('prismUrl')));
  });

  it('has runnable examples, one of them the shared setup, each printing something', () => {
    expect(runnables.length).toBeGreaterThanOrEqual(6);
    expect(runnables.filter((block) => block.setup)).toHaveLength(1);
  });

  it('type-checks every runnable block with the strict settings of the project', async () => {
    writeFileSync(join(outDir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', include: ['*.mts'] }));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', join(outDir, 'tsconfig.json')], { cwd: root }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  }, 120_000);

  describe.each(runnables.map((block) => [`line ${block.line}`, block] as const))('block at %s', (_, block) => {
    it(block.setup ? 'runs' : block.expected === undefined ? 'runs against the mock and prints' : 'runs against the mock and prints exactly its output block', async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
      for (const name of ['TIM_SDKAPPID', 'TIM_IDENTIFIER', 'TIM_SECRET_KEY', 'TIM_REGION']) delete env[name];
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', fileOf(block)], { cwd: root, env, timeout: 60_000 });
      expect(stderr).toBe('');
      if (block.setup) {
        expect(stdout).toBe(''); // it only creates the client the other blocks use
      } else if (block.expected === undefined) {
        expect(stdout.trim()).not.toBe('');
      } else {
        expect(stdout).toBe(block.expected);
      }
      expect(stdout).not.toMatch(/\bundefined\b|\[object Object\]/);
    }, 90_000);
  });
});

const mockSection = readme.split('\n## ').find((section) => section.startsWith('The mock in your CI')) ?? '';

describe('README, the mock in your CI', () => {
  it.each(listOperations().map((operation) => [operation.operationId, operation] as const))(
    'lists every named reply example of %s for Prefer: example=…',
    (operationId, operation) => {
      const row = mockSection.split('\n').find((line) => line.startsWith(`| \`${operationId}\` |`));
      expect(row, `a row for ${operationId} in README's mock section`).toBeDefined();
      for (const example of operation.responseExamples) expect(row).toContain(`\`${example.name}\``);
    },
  );
});

const section = (title: string): string => readme.split('\n## ').find((part) => part.startsWith(title)) ?? '';

describe('README, in step with the document', () => {
  it('names every region of the document in the region option, and no other', () => {
    const row = section('Configure').split('\n').find((line) => line.startsWith('| `region` |')) ?? '';
    const named = [...row.split('|')[3]!.matchAll(/`([a-z-]+)`/g)].map((match) => match[1]);
    expect(named.sort()).toEqual(Object.keys(regions).sort());
  });

  it('lists only documented codes in its error table, and every rate-refusal code in one row', () => {
    const rows = section('Errors').split('\n').filter((line) => /^\| \d/.test(line));
    const codes = rows.flatMap((line) => [...line.split('|')[1]!.matchAll(/\d+/g)].map((match) => Number(match[0])));
    expect(codes.length).toBeGreaterThan(10);
    for (const code of codes) expect(errorCodes[code], `README's error table lists ${code}`).toBeDefined();
    const rateCodes = Object.entries(errorCodes).filter(([, facts]) => facts.rateLimit).map(([code]) => Number(code));
    const rateRow = rows.find((line) => line.includes('Too many requests')) ?? '';
    expect([...rateRow.split('|')[1]!.matchAll(/\d+/g)].map((match) => Number(match[0])).sort()).toEqual(rateCodes.sort());
  });

  it('states each documented rate and the pacing margin', () => {
    const text = section('How a call runs');
    for (const { requestsPerSecond } of Object.values(operations)) {
      if (requestsPerSecond !== null) expect(text).toMatch(new RegExp(requestsPerSecond === 1 ? '1/s' : `${requestsPerSecond}/s`));
    }
    expect(text).toContain(`${Math.round(rateLimitMargin * 100)} %`);
  });
});
