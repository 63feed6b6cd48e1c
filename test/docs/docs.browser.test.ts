// Builds the API reference (`node scripts/docs.mjs`), serves docs-build/ from a nested folder of a loopback HTTP server
// and checks, in headless Chromium at 1440 px, what a reader sees: the title with the package's version; the Regions
// table (visible without expanding anything); the "Using the TypeScript client" and "Try it against the mock" sections;
// every operation (read from generated/openapi.json) with its rate-limit line, error-code table, auth parameters, curl
// and TypeScript samples, each named request example and each reply example with its `Prefer` key; every webhook
// (callback) with its query parameters and body example; every error code in a section of its own, opened by its
// link (#/error-codes/70001) at both widths and found by its number in the search box; the tables with no word
// broken across lines; no raw Markdown, no name of a repository file, only relative links; and that the page loaded
// nothing from any other host. Chromium is Debian's /usr/bin/chromium (.ci/run installs it); without it this test
// fails on purpose instead of skipping.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Any Chromium: `CHROMIUM_PATH` names it; Debian's package (which .ci/run installs) is the default.
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
const root = fileURLToPath(new URL('../../', import.meta.url));
const docsDir = join(root, 'docs-build');
const outputDir = join(root, 'test-output');

// ---- What the page must show, from the bundled description -------------------------------------------------------

interface Example {
  summary?: string;
  value?: unknown;
  $ref?: string;
}
interface MediaType {
  examples?: Record<string, Example>;
}
interface Operation {
  operationId: string;
  'x-codeSamples'?: { lang: string; label: string; source: string }[];
  summary: string;
  tags: string[];
  description: string;
  parameters?: { $ref?: string; name?: string; in?: string }[];
  requestBody: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface ErrorCode {
  code: number;
  description: string;
  operations?: string[];
}
interface Document {
  info: { title: string; version: string };
  servers: { variables: { host: { default: string; 'x-regions': Record<string, { host: string; backupHost?: string; location: string; note?: string }> } } }[];
  paths: Record<string, Record<string, Operation>>;
  webhooks?: Record<string, { post: Operation }>;
  components: {
    securitySchemes: Record<string, { type: string; in: string; name: string }>;
    parameters: Record<string, { name: string; in: string }>;
    examples: Record<string, Example>;
  };
  'x-error-codes': ErrorCode[];
}

const spec = JSON.parse(readFileSync(join(root, 'generated/openapi.json'), 'utf8')) as Document;
const packageVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
/** Where the docs folder is served: a nested folder, so any absolute link or asset path would break. */
const MOUNT = '/some/folder';
const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ path, method: method.toUpperCase(), ...operation })),
);
const securitySchemes = Object.entries(spec.components.securitySchemes);

function resolveExample(example: Example): Required<Pick<Example, 'summary'>> & { value: unknown } {
  const resolved = example.$ref ? spec.components.examples[example.$ref.replace('#/components/examples/', '')] : example;
  if (!resolved?.summary || resolved.value === undefined) throw new Error(`example ${example.$ref ?? ''} has no summary/value`);
  return { summary: resolved.summary, value: resolved.value };
}
function namedExamples(media: MediaType | undefined): { name: string; summary: string; value: unknown }[] {
  return Object.entries(media?.examples ?? {}).map(([name, example]) => ({ name, ...resolveExample(example) }));
}
/** What the JSON viewer must show for a value: `"key": value` for members, `value` for array items. */
function expectedFragments(value: unknown, key?: string): string[] {
  if (Array.isArray(value)) return [...(key ? [`"${key}": [`] : []), ...value.flatMap((item) => expectedFragments(item))];
  if (value !== null && typeof value === 'object') {
    return [...(key ? [`"${key}": {`] : []), ...Object.entries(value).flatMap(([k, v]) => expectedFragments(v, k))];
  }
  const literal = JSON.stringify(value);
  return [key ? `"${key}": ${literal}` : literal];
}
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
/** Markdown source → the text a reader sees (the generated tables use only `code` spans). */
const plain = (markdown: string) => squash(markdown.replace(/`/g, ''));

// ---- Loopback server, browser, request log -----------------------------------------------------------------------

const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.png': 'image/png', '.json': 'application/json' };
let server: Server | undefined;
let browser: Browser | undefined;
let baseUrl = '';
let buildOutput = '';
const pages: Page[] = [];
const requests: string[] = [];
const pageErrors: string[] = [];

function isLoopbackOrLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return (protocol === 'http:' || protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

async function serve(dir: string): Promise<Server> {
  const base = resolve(dir);
  const http = createServer((req, res) => {
    void (async () => {
      const full = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const pathname = full.startsWith(`${MOUNT}/`) ? full.slice(MOUNT.length) : undefined;
      const file = pathname === undefined ? '' : resolve(base, `.${pathname.endsWith('/') ? `${pathname}index.html` : pathname}`);
      if (!file.startsWith(base + sep) || !(await stat(file).catch(() => undefined))?.isFile()) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(await readFile(file));
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((ok, fail) => http.once('error', fail).listen(0, '127.0.0.1', ok));
  return http;
}

/** A fresh page (fresh sidebar state) whose requests, errors and CSP violations are recorded. */
async function openDocs(hash = '#/', viewport = { width: 1440, height: 900 }): Promise<Page> {
  if (!browser) throw new Error('browser not started');
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(10_000); // a Playwright error naming the missing element, before the test's own timeout
  pages.push(page);
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console error: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  await page.goto(`${baseUrl}${MOUNT}/${hash}`, { waitUntil: 'load' });
  // The build-time first content gives way once Redoc has rendered; the checks below are about Redoc's page.
  await page.locator('#first-content').waitFor({ state: 'detached' });
  // On a link to a section, Redoc renders the page from that section, without the title.
  if (hash === '#/') await heading(page, spec.info.title, { prefix: true }).waitFor({ state: 'visible' });
  return page;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the docs test needs Debian's Chromium. Install it with ` +
        '`apt-get update && apt-get install -y --no-install-recommends chromium` (.ci/run does this), or set CHROMIUM_PATH to another Chromium.',
    );
  }
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'scripts/docs.mjs')], {
    cwd: root,
    env: { ...process.env, SCARF_ANALYTICS: 'false', REDOCLY_TELEMETRY: 'off' },
  });
  buildOutput = stdout;
  server = await serve(docsDir);
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  await mkdir(outputDir, { recursive: true });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(pages.map((page) => page.close()));
  await browser?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
});

// ---- The checks -------------------------------------------------------------------------------------------------

describe('API reference page (Redoc) in headless Chromium', () => {
  it('is built into docs-build/index.html as one self-contained file', async () => {
    expect(buildOutput).toContain('docs-build/index.html');
    const html = await readFile(join(docsDir, 'index.html'), 'utf8');
    const external = [...html.matchAll(/<(script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi)];
    expect(external.map((m) => m[0])).toEqual([]);
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/cdn\.redoc\.ly|cdn\.redocly\.com\/redoc|fonts\.googleapis|fonts\.gstatic/);
    expect(html).toContain('http-equiv="Content-Security-Policy"');
  });

  it('shows the title with the package version, the Regions table without expanding anything, and the client and mock sections', async () => {
    const page = await openDocs();
    const title = squash(await heading(page, spec.info.title, { prefix: true }).innerText());
    expect(title).toBe(`${spec.info.title} (${packageVersion})`);

    // The Regions table is in the page as rendered, before any click: a name, host and location per x-regions entry.
    const regionsHeading = heading(page, 'Regions');
    await regionsHeading.waitFor({ state: 'visible' });
    const host = spec.servers[0]!.variables.host;
    const rows = await visibleTableRows(page.locator('#api-content'));
    for (const [name, region] of Object.entries(host['x-regions'])) {
      const row = rows.find((cells) => cells[0]?.split(' ')[0] === name);
      expect(row, `region ${name} has a row`).toBeDefined();
      const hosts = region.backupHost ? `${region.host} backup: ${region.backupHost}` : region.host;
      expect(row!.slice(1)).toEqual([hosts, (region.note ? `${region.location} — ${region.note}` : region.location).replace(/\s+/g, ' ')]);
    }
    expect(rows.find((cells) => cells[0] === 'tokyo')?.[1]).toBe('adminapijpn.im.qcloud.com');
    expect(rows.find((cells) => cells[0] === 'india')?.[2]).toMatch(/Mumbai/);

    await heading(page, 'Using the TypeScript client').waitFor({ state: 'visible' });
    const methods = rows.filter((cells) => operations.some((op) => op.operationId === cells[0]));
    expect(methods.map((cells) => cells[0]).sort()).toEqual(operations.map((op) => op.operationId).sort());
    await heading(page, 'Try it against the mock').waitFor({ state: 'visible' });
    await page.getByText(/Prefer: example=/).first().waitFor({ state: 'visible' });
    await page.screenshot({ path: join(outputDir, 'docs.png') });
  });

  it('shows every error code in a section of its own, linked by its number: what it means, what the client does, which calls return it', async () => {
    const page = await openDocs();
    // Reach the codes the way a reader does: the sidebar's "Error codes" entry.
    await page.locator('[data-component-name="Menu/MenuItem"]').getByText('Error codes', { exact: true }).click();
    await heading(page, 'Error codes').waitFor({ state: 'visible' });

    const clientActions = new Map<number, string>();
    for (const entry of spec['x-error-codes']) {
      const section = codeSection(page, entry.code);
      // Redoc fills in a section when it comes near the screen, as the reader scrolls.
      await section.scrollIntoViewIfNeeded();
      // Headed by the bare number, with the link a reader copies: the route that opens the page at this code.
      const title = section.locator('h2');
      await title.waitFor({ state: 'visible' });
      expect(squash(await title.innerText())).toBe(String(entry.code));
      expect(await title.locator('a[href]').getAttribute('href')).toBe(`#/error-codes/${entry.code}`);
      const text = squash(await section.innerText());
      expect(text).toContain(plain(entry.description));
      const facts = /Client: (.+?)\. Returned by: (.+)\.$/.exec(text);
      expect(facts, `${entry.code}: what the client does and which calls return it`).not.toBeNull();
      clientActions.set(entry.code, facts![1]!);
      const returnedBy = facts![2]!;
      if (entry.operations) for (const id of entry.operations) expect(returnedBy).toContain(id);
      else expect(returnedBy).toBe('every call (a public code)');
    }
    expect(clientActions.get(70050)).toBe('no retry');
    expect(clientActions.get(60007)).toBe('slows down, retries');
    expect(clientActions.get(70001)).toBe('re\u2011signs, retries once');
    // In the sidebar too, in the document's order, below "Error codes".
    const menuCodes = await page
      .locator('[data-component-name="Menu/MenuItem"]')
      .evaluateAll((items) => items.map((item) => (item as HTMLElement).innerText.trim()).filter((label) => /^\d+$/.test(label)));
    expect(menuCodes).toEqual(spec['x-error-codes'].map((e) => String(e.code)));
    await codeSection(page, 70001).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(outputDir, 'docs-error-codes.png') });
  });

  for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
    it(`at ${viewport.width} px, a link to a code (#/error-codes/70001) opens the page at that code`, async () => {
      const page = await openDocs('#/error-codes/70001', viewport);
      const title = codeSection(page, 70001).locator('h2');
      await title.waitFor({ state: 'visible' });
      // Redoc scrolls the section to the top of the screen once it has rendered it.
      await expect.poll(async () => (await title.boundingBox())?.y, { timeout: 10_000 }).toBeLessThan(viewport.height / 4);
      expect((await title.boundingBox())!.y).toBeGreaterThanOrEqual(0);
      expect(new URL(page.url()).hash).toBe('#/error-codes/70001');
      const entry = spec['x-error-codes'].find((e) => e.code === 70001)!;
      expect(squash(await codeSection(page, 70001).innerText())).toContain(plain(entry.description));
      await page.screenshot({ path: join(outputDir, `docs-error-code-link-${viewport.width}.png`) });
    });
  }

  it("finds a code by its number in the search box: the code's entry first, and choosing it opens the code", async () => {
    const page = await openDocs();
    await page.locator('[data-component-name="icons/SearchIcon/SearchIcon"]').first().click();
    const input = page.getByPlaceholder('Search docs...');
    const first = page.locator('[data-component-name="Search/SearchItem"]').first();
    // 70001 is in every operation's reply examples; 60007, 10018 and 51008 also in operations' descriptions.
    for (const code of [60007, 10018, 51008, 70001]) {
      await input.fill(String(code));
      await expect.poll(() => first.getAttribute('href'), { timeout: 10_000 }).toBe(`#/error-codes/${code}`);
      const entry = spec['x-error-codes'].find((e) => e.code === code)!;
      const shown = squash(await first.innerText());
      expect(shown.startsWith(String(code)), shown).toBe(true);
      // The entry shows the code's meaning (its start: the result line is cut after a few words).
      expect(shown).toContain(plain(entry.description).slice(0, 30));
    }
    await page.screenshot({ path: join(outputDir, 'docs-search-70001.png') });
    await first.click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/error-codes/70001');
    await codeSection(page, 70001).locator('h2').waitFor({ state: 'visible' });
  });

  it('shows the tables with no word broken across lines and none wider than its column at 1440 px', async () => {
    const page = await openDocs();
    await heading(page, 'Regions').waitFor({ state: 'visible' });
    expect(await page.locator('#api-content table').count()).toBeGreaterThan(0);
    // A word (a host, a method name, a number) is broken when its letters sit on two lines: more than one box.
    const broken = await page.locator('#api-content table').evaluateAll((all) => {
      const found: string[] = [];
      for (const table of all) {
        if ((table as HTMLElement).offsetParent === null) continue;
        const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const match of (node.textContent ?? '').matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
            if (lines.size > 1) found.push(match[0]);
          }
        }
      }
      return found;
    });
    expect(broken, 'words broken across lines in a table').toEqual([]);
    // Nor cut off: no table is wider than the column it sits in (code blocks may scroll, as shell lines do).
    const clipped = await page.locator('#api-content table').evaluateAll((all) =>
      all
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollWidth > (el.parentElement?.clientWidth ?? Infinity) + 1)
        .map((el) => (el as HTMLElement).innerText.slice(0, 60)),
    );
    expect(clipped, 'tables wider than their column').toEqual([]);
  });

  it('shows no raw Markdown, names no file of this repository, and links only relatively or to other sites', async () => {
    const page = await openDocs();
    const text = await page.locator('#redoc').innerText();
    expect(text.split('\n').filter((line) => /^\s*\|.*\|\s*$/.test(line)), 'Markdown table rows shown raw').toEqual([]);
    expect(text).not.toMatch(/\*\*\w/);
    expect(text).not.toMatch(/NOTES\.md|openapi\/|scripts\/|generated\/|src\/|older page|newer page/);
    const hrefs = await page.locator('#redoc a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.filter((href) => href.startsWith('/') || href.startsWith('file:') || /^https?:\/\/(127\.0\.0\.1|localhost)/.test(href))).toEqual([]);
  });

  for (const operation of operations) {
    it(`shows ${operation.operationId}: "${operation.summary}", its auth parameters, error codes and examples`, async () => {
      const page = await openDocs();
      const menu = page.locator('[data-component-name="Menu/MenuItem"]');
      await menu.getByText(operation.tags[0]!, { exact: true }).click();
      await menu.getByText(operation.summary, { exact: true }).click();

      const section = page.locator('[data-item-kind="httpItem"]').filter({ has: heading(page, operation.summary) });
      await heading(section, operation.summary).waitFor({ state: 'visible' });
      await section.getByText(operation.path, { exact: true }).first().waitFor({ state: 'visible' });

      // The description's rate-limit line and this operation's own error-code table.
      const rateLimit = /\*\*Rate limit:\*\*\s*([^\n]+)/.exec(operation.description);
      expect(rateLimit, 'description has a rate-limit line').not.toBeNull();
      await section.getByText(`Rate limit: ${plain(rateLimit![1]!)}`).waitFor({ state: 'visible' });
      const codes = new Set((await visibleTableRows(section)).map((cells) => cells[0]));
      const own = spec['x-error-codes'].filter((e) => e.operations?.includes(operation.operationId)).map((e) => String(e.code));
      expect(own.length).toBeGreaterThan(0);
      expect(own.filter((code) => !codes.has(code)), 'codes missing from the operation table').toEqual([]);

      await checkAuth(page, section, operation);
      await checkCodeSamples(section, operation);
      await checkExamples(section, operation);
      // The operation's own section: a full-page shot of an operation route is mostly placeholder space above it.
      await section.screenshot({ path: join(outputDir, `docs-${operation.operationId}.png`) });
    });
  }

  for (const [command, item] of Object.entries(spec.webhooks ?? {})) {
    const webhook = item.post;
    it(`shows the webhook ${command}: "${webhook.summary}", its query parameters and its example`, async () => {
      const page = await openDocs();
      const menu = page.locator('[data-component-name="Menu/MenuItem"]');
      await menu.getByText('Callbacks', { exact: true }).click();
      await menu.getByText(webhook.summary, { exact: true }).click();
      // Redoc puts a "Webhook" badge inside a webhook's heading, so the section is found by its route instead.
      const section = page.locator(`[data-item-kind="httpItem"][data-section-id="/callbacks/${webhook.operationId.toLowerCase()}"]`);
      await section.locator('h2').filter({ hasText: webhook.summary }).first().waitFor({ state: 'visible' });
      await section.getByText('Webhook', { exact: true }).first().waitFor({ state: 'visible' });
      // The query the Chat backend sends: the command itself, and the signature parameters a receiver checks.
      for (const name of ['SdkAppid', 'CallbackCommand', 'Sign', 'RequestTime']) {
        await section.getByText(name, { exact: true }).first().waitFor({ state: 'visible' });
      }
      const text = squash(await section.innerText());
      for (const example of namedExamples(webhook.requestBody.content['application/json'])) {
        for (const fragment of expectedFragments(example.value)) expect(text, `${command} example ${example.name}`).toContain(squash(fragment));
      }
      await section.screenshot({ path: join(outputDir, `docs-webhook-${webhook.operationId}.png`) });
    });
  }

  it('loaded nothing from any non-loopback host, with no page error or CSP violation', () => {
    expect(requests.length, 'the request recorder saw the page itself').toBeGreaterThan(0);
    expect(requests.some((url) => url.startsWith(baseUrl))).toBe(true);
    expect(requests.filter((url) => !isLoopbackOrLocal(url))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

/** A heading whose text is `text` (Redoc puts an icon-only "link to …" anchor in headings, so no getByRole name). */
function heading(scope: Page | Locator, text: string, { prefix = false } = {}): Locator {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return scope.locator('h1, h2, h3').filter({ hasText: new RegExp(`^\\s*${escaped}${prefix ? '' : '\\s*$'}`) }).first();
}

/** The section of one error code, which Redoc routes as /error-codes/<code>. */
function codeSection(page: Page, code: number): Locator {
  return page.locator(`[data-section-id="/error-codes/${code}"]`);
}

/** Cell texts of every row of every visible table inside `scope`. */
async function visibleTableRows(scope: Locator): Promise<string[][]> {
  return scope.locator('table').evaluateAll((tables) =>
    tables
      .filter((table) => (table as HTMLElement).offsetParent !== null)
      .flatMap((table) => [...table.querySelectorAll('tbody tr')])
      .map((row) => [...row.querySelectorAll('td')].map((cell) => (cell as HTMLElement).innerText.replace(/\s+/g, ' ').trim())),
  );
}

/** The five auth values: security schemes (Security panel and its details) and optional query parameters. */
async function checkAuth(page: Page, section: Locator, operation: Operation): Promise<void> {
  const security = section.getByText('View security details');
  await security.waitFor({ state: 'visible' });
  const panelText = squash(await security.locator('xpath=ancestor::*[@data-component-name="Panel/Panel"][1]').innerText());
  expect(panelText).toContain(securitySchemes.map(([name]) => name).join(' and '));

  // The same five as query parameters, each listed under "Query" with its example (`sdkappid=1400000000`).
  const parameterNames = (operation.parameters ?? []).map((p) => {
    const name = p.$ref ? spec.components.parameters[p.$ref.replace('#/components/parameters/', '')]?.name : p.name;
    if (!name) throw new Error(`${operation.operationId}: unresolvable parameter ${JSON.stringify(p)}`);
    return name;
  });
  for (const [, scheme] of securitySchemes) expect(parameterNames).toContain(scheme.name);
  await section.getByText('Query', { exact: true }).first().waitFor({ state: 'visible' });
  for (const name of parameterNames) {
    await section.getByText(new RegExp(`^${name}=\\S+$`)).first().waitFor({ state: 'visible' });
  }

  await security.click();
  const labels = page.getByText('Query parameter name:', { exact: true });
  await labels.first().waitFor({ state: 'visible' });
  expect(await labels.count()).toBe(securitySchemes.length);
  const details = squash(await labels.first().locator('xpath=ancestor::*[count(.//*[text()="Query parameter name:"]) >= 5][1]').innerText());
  for (const [name, scheme] of securitySchemes) {
    expect(details).toContain(name);
    expect(details).toContain(`Query parameter name: ${scheme.name}`);
  }
  await page.keyboard.press('Escape');
}

/** Every named request example and response example, each selected in the right panel's example menu. */
async function checkExamples(section: Locator, operation: Operation): Promise<void> {
  await chooseSample(section, 'Payload');
  const panels = section.getByTestId('right-panel').filter({ has: section.page().getByTestId('json-viewer') });
  expect(await panels.count(), 'right panels with a JSON sample: request and response').toBe(2);
  const request = namedExamples(operation.requestBody.content['application/json']);
  const response = namedExamples(operation.responses['200']?.content?.['application/json']);
  expect(request.length).toBeGreaterThan(0);
  expect(response.length).toBeGreaterThan(0);
  for (const [panel, examples] of [
    [panels.nth(0), request],
    [panels.nth(1), response],
  ] as const) {
    for (const example of examples) {
      const picker = panel.locator('button[aria-label="Example"]');
      if (examples.length > 1) {
        await picker.click();
        // The open menu is portalled to <body>; closed menus are hidden, so this finds the one just opened.
        await section.page().getByRole('menuitem', { name: example.summary, exact: true }).click();
        expect(squash(await picker.innerText())).toBe(squash(example.summary));
      }
      const viewer = panel.getByTestId('json-viewer');
      await viewer.waitFor({ state: 'visible' });
      const shown = squash(await viewer.innerText());
      const fragments = expectedFragments(example.value).map(squash);
      const absent = fragments.filter((fragment) => !shown.includes(fragment));
      expect(absent, `${operation.operationId} example "${example.name}" (${example.summary}) not shown; panel: ${shown}`).toEqual([]);
      if (fragments.length === 0) expect(shown).toContain('{}');
      // Reply examples name the key that makes the mock answer with them.
      if (panel === panels.nth(1)) await panel.getByText(`Prefer: example=${example.name}`).first().waitFor({ state: 'visible' });
    }
  }
}

/** Picks a language in the request-sample panel's language menu ("curl", "TypeScript", "Payload"). */
async function chooseSample(section: Locator, label: string): Promise<Locator> {
  const languages = section.page().locator('button').filter({ hasText: /^(curl|TypeScript|Payload)$/ });
  const panel = section.getByTestId('right-panel').filter({ has: languages }).first();
  const menu = panel.locator('button').filter({ hasText: /^(curl|TypeScript|Payload)$/ }).first();
  if (squash(await menu.innerText()) !== label) {
    await menu.click();
    await section.page().getByRole('menuitem', { name: label, exact: true }).click();
  }
  expect(squash(await menu.innerText())).toBe(label);
  return panel;
}

/** The curl and TypeScript samples: made from the operation's first request example, shown on the page. */
async function checkCodeSamples(section: Locator, operation: Operation & { path: string }): Promise<void> {
  const [first] = namedExamples(operation.requestBody.content['application/json']);
  const host = spec.servers[0]!.variables.host.default;
  const curl = squash(await (await chooseSample(section, 'curl')).locator('pre, code').first().innerText());
  // The host is the reader's region's (TIM_HOST, China's by default), and the UserSig is made in one line.
  expect(curl).toContain(`TIM_HOST=\${TIM_HOST:-${host}}`);
  expect(curl).toContain('USERSIG=$(node -e "import(\'tim-rest-client\')');
  expect(curl).toContain(
    `curl -X POST "https://$TIM_HOST${operation.path}?sdkappid=$SDKAPPID&identifier=$IDENTIFIER&usersig=$USERSIG&random=$RANDOM&contenttype=json"`,
  );
  expect(curl).toContain(`-d '${JSON.stringify(first!.value)}'`);
  const ts = squash(await (await chooseSample(section, 'TypeScript')).locator('pre, code').first().innerText());
  expect(ts).toContain("import { createChatClient } from 'tim-rest-client';");
  expect(ts).toContain(`await chat.${operation.operationId}({`);
  expect(operation['x-codeSamples']?.map((sample) => sample.label)).toEqual(['curl', 'TypeScript']);
}

// ---- What a reader sees before Redoc has rendered, and on a phone --------------------------------------------------

describe('first content and phone layout', () => {
  const regions = spec.servers[0]!.variables.host['x-regions'];
  for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
    it(`at ${viewport.width} px, the page as built (before any script runs) shows the install command, the first code sample and every region`, async () => {
      if (!browser) throw new Error('browser not started');
      // Scripts off: what the browser paints from the HTML alone, before Redoc's script has run.
      const context = await browser.newContext({ viewport, javaScriptEnabled: false });
      try {
        const page = await context.newPage();
        await page.goto(`${baseUrl}${MOUNT}/`, { waitUntil: 'load' });
        const block = page.locator('#first-content');
        await expect(block.locator('h1').innerText()).resolves.toMatch(new RegExp(`^${spec.info.title} ${packageVersion.replaceAll('.', '\\.')}$`));
        const codes = await block.locator('pre').allInnerTexts();
        expect(codes[0]).toBe('npm install git+https://github.com/tim-rest-client/tim-rest-client.git');
        expect(codes[1]).toContain("import { createChatClient } from 'tim-rest-client';");
        // The first code sample is within the first screen and a half, on a phone too.
        const box = await block.locator('pre').nth(1).boundingBox();
        expect(box!.y).toBeLessThan(viewport.height * 1.5);
        const rows = await block.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText)));
        expect(rows).toEqual(Object.entries(regions).map(([name, r]) => [name, r.host, r.backupHost ?? '—', r.location]));
        // Nothing cut off: the table fits the screen.
        const table = await block.locator('table').evaluate((el) => ({ scroll: el.scrollWidth, width: document.documentElement.clientWidth }));
        expect(table.scroll).toBeLessThanOrEqual(table.width);
        await page.screenshot({ path: join(outputDir, `docs-first-content-${viewport.width}.png`) });
      } finally {
        await context.close();
      }
    });
  }

  it('at 390 px, Redoc\'s Regions table fits the column, hosts and backup hosts included', async () => {
    const page = await openDocs('#/', { width: 390, height: 844 });
    const menu = page.locator('#redoc');
    await heading(menu, 'Regions').waitFor({ state: 'attached' });
    const tables = await page.locator('#api-content table').evaluateAll((all) =>
      all
        .filter((el) => (el as HTMLElement).innerText.includes('and backup host'))
        .map((el) => ({ scroll: el.scrollWidth, column: el.parentElement?.clientWidth ?? 0, screen: document.documentElement.clientWidth })),
    );
    expect(tables).toHaveLength(1);
    expect(tables[0]!.scroll).toBeLessThanOrEqual(Math.min(tables[0]!.column, tables[0]!.screen) + 1);
    await page.screenshot({ path: join(outputDir, 'docs-regions-390.png'), fullPage: false });
  });
});
