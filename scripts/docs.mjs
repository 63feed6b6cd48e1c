// `npm run docs`: the Redoc API reference for generated/openapi.yaml as ONE self-contained file, docs-build/index.html,
// that renders offline (from file:// or any static host): no CDN script, no web fonts, no request to any other host.
//
// How: `redocly build-docs --inlineBundle` (Redocly CLI 2, Redoc CE 3) inlines the Redoc standalone bundle and the
// bundled description instead of loading Redoc from cdn.redocly.com. Its output is then post-processed:
//  1. The server-rendered markup inside <div id="redoc"> is dropped, and with it the styles rendered for it (250 KB),
//     so Redoc renders in the browser with its default hash routing (#/friend-lists/getfriendlists). The prerendered markup carries history-style links ("/friends")
//     that the hash router keeps after hydration, and those break from file:// and on "open in new tab".
//  2. The "API docs by Redocly" attribution loads its logo from cdn.redoc.ly; it gets an inline SVG instead.
//  1c. In its place, a block the browser paints at once (docs-first-content.mjs): title, install, first code sample,
//     Regions; it is removed when Redoc has rendered.
//  3. A Content-Security-Policy <meta> lets the page load nothing but itself (inline code, data: and blob: URLs), so
//     any future external reference is blocked, and shows up as a CSP violation, instead of leaking a request.
// Finally the HTML is checked: no external script/link/img/iframe source, no url(http…) in CSS, no CDN host left.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { firstContent } from './docs-first-content.mjs';
import { ERROR_CODES_ROUTE } from './error-code-routes.mjs';
import { ensureTestTools, resolveTestTool, toolsNode } from './test-tools.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
ensureTestTools();
const redocly = resolveTestTool('@redocly/cli/bin/cli.js');
const quietEnv = {
  ...process.env,
  SCARF_ANALYTICS: 'false',
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  NO_UPDATE_NOTIFIER: '1',
};

// Redoc CE 3 options (https://redocly.com/docs/redoc/v3.x/config). Passing them on the command line also keeps
// build-docs from reading the `openapi` section of redocly.yaml, which holds the lint policy only.
const redocOptions = {
  disableTelemetry: true,
  jsonSamplesExpandLevel: 'all',
  // The request-sample languages: the x-codeSamples the bundle step generates (curl, TypeScript) and the JSON payload.
  // Redoc shows only the languages listed here, and would otherwise generate its own samples for other languages.
  codeSamples: { languages: [{ lang: 'curl' }, { lang: 'TypeScript' }, { lang: 'Payload' }] },
};

// Stands in for https://cdn.redoc.ly/redoc/logo-mini-full.svg and …/logo-mini.svg in the attribution link.
const logo = (text, width) =>
  'data:image/svg+xml,' +
  encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="16" viewBox="0 0 ${width} 16">` +
      `<text x="0" y="12.5" textLength="${width}" lengthAdjust="spacingAndGlyphs" font-family="system-ui,sans-serif" ` +
      `font-size="12" font-weight="600" fill="#0044D4">${text}</text></svg>`,
  );
const LOGO_URLS = {
  'https://cdn.redoc.ly/redoc/logo-mini-full.svg': logo('Redocly', 48),
  'https://cdn.redoc.ly/redoc/logo-mini.svg': logo('R', 8),
};

// Everything the page needs is inline; blob: covers the search worker and the "Download" button's file. The policy is
// about network access, not script injection (the page shows our own description): 'unsafe-eval' stays allowed
// because Redoc's search (FlexSearch) builds its worker with Function().
const CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' 'unsafe-eval' blob:",
  "style-src 'unsafe-inline'",
  'img-src data: blob:',
  'font-src data:',
  'connect-src blob: data:',
  'worker-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

// Redoc lets table cells break anywhere, so a host or a method name in the narrow middle column was cut mid-word
// ("console.tim.qq|.com"). Names in code spans stay whole; prose cells wrap between words only.
// On a phone the Regions table would still be wider than the screen: there, names in code spans may wrap.
const READABLE_TABLES = [
  '#redoc td, #redoc th { word-break: normal; overflow-wrap: normal; hyphens: manual; }',
  '#redoc td code, #redoc th code { white-space: nowrap; word-break: keep-all; }',
  '@media (max-width: 600px) { #redoc td code, #redoc th code { white-space: normal; overflow-wrap: anywhere; } }',
].join(' ');

// A code's section (one per error code, see error-code-routes.mjs) holds two short paragraphs; with the padding of an
// operation's section around each, 60 codes would fill 16,000 px. Tighter, a reader scrolling them sees several at once.
const errorCodeSection = `#redoc [data-section-id^="${ERROR_CODES_ROUTE.slice(1)}/"]`;
const COMPACT_ERROR_CODES = [
  `${errorCodeSection} { padding-top: 8px; padding-bottom: 0; }`,
  `${errorCodeSection} h2 { margin-top: 16px; margin-bottom: 8px; }`,
].join(' ');

/** Hosts that must not appear anywhere in the page (Redoc's CDNs, web-font and package CDNs). */
const FORBIDDEN_HOSTS = ['cdn.redoc.ly', 'cdn.redocly.com/redoc', 'fonts.googleapis.com', 'fonts.gstatic.com', 'unpkg.com', 'jsdelivr.net'];

function replaceOnce(html, search, replacement, what) {
  const count = typeof search === 'string' ? html.split(search).length - 1 : [...html.matchAll(search)].length;
  if (count !== 1) {
    throw new Error(`docs: expected exactly one ${what} in the build-docs output, found ${count} (Redoc/CLI output changed?)`);
  }
  return html.replace(search, () => replacement);
}

function makeSelfContained(html, document) {
  // 1. Drop the prerendered markup: from <div id="redoc"> to the </div> right before the inline module script.
  html = replaceOnce(
    html,
    /<div id="redoc">[\s\S]*?<\/div>(?=\s*<script type="module">)/g,
    `${firstContent(document)}<div id="redoc"></div>`,
    'prerendered <div id="redoc">',
  );
  // 1b. Its styles go too (a quarter of a megabyte): styled-components injects what the browser-side render uses.
  html = replaceOnce(html, /<style data-styled="true"[^>]*>[\s\S]*?<\/style>/g, '', 'server-rendered <style data-styled>');
  // 2. Inline logos instead of cdn.redoc.ly.
  for (const [url, dataUrl] of Object.entries(LOGO_URLS)) {
    const count = html.split(url).length - 1;
    if (count === 0) throw new Error(`docs: ${url} not found in the Redoc bundle (Redoc changed?); check the attribution logo`);
    html = html.split(url).join(dataUrl);
  }
  // 3. CSP first in <head>, before anything that could load. (Anchored: the bundle itself contains "<head>" strings.)
  const head = /^\s*<!DOCTYPE html>\s*<html[^>]*>\s*<head>/i.exec(html);
  if (!head) throw new Error('docs: the build-docs output does not start with <!DOCTYPE html><html><head> (CLI changed?)');
  const meta = `\n  <meta http-equiv="Content-Security-Policy" content="${CSP}" />\n  <style>${READABLE_TABLES} ${COMPACT_ERROR_CODES}</style>`;
  html = head[0] + meta + html.slice(head[0].length);
  return html;
}

/** Throws when the page references anything outside itself (run on every build). */
export function checkSelfContained(html) {
  const problems = [];
  for (const tag of html.matchAll(/<(script|link|img|iframe|source|embed|object|video|audio)\b[^>]*>/gi)) {
    for (const attr of tag[0].matchAll(/\b(src|href|srcset|data)\s*=\s*["']?([^"'\s>]+)/gi)) {
      if (/^(https?:)?\/\//i.test(attr[2])) problems.push(`${tag[1]} ${attr[1]}=${attr[2]}`);
    }
  }
  for (const m of html.matchAll(/url\(\s*["']?((?:https?:)?\/\/[^)"']+)/gi)) problems.push(`CSS url(${m[1]})`);
  for (const m of html.matchAll(/@import\s+["']((?:https?:)?\/\/[^"']+)/gi)) problems.push(`CSS @import ${m[1]}`);
  for (const host of FORBIDDEN_HOSTS) if (html.includes(host)) problems.push(`mentions ${host}`);
  if (!html.includes('Content-Security-Policy')) problems.push('no Content-Security-Policy');
  if (problems.length > 0) throw new Error(`docs: the page is not self-contained:\n  ${problems.join('\n  ')}`);
}

/**
 * Builds the docs into `outDir` (default docs-build/) and returns the written file and its size.
 * @param {{ outDir?: string, spec?: string }} [options]
 * @returns {Promise<{ file: string, bytes: number }>}
 */
export async function buildDocs({ outDir = join(root, 'docs-build'), spec = join(root, 'generated/openapi.yaml') } = {}) {
  const scratch = await mkdtemp(join(tmpdir(), 'tim-docs-'));
  try {
    const raw = join(scratch, 'redoc.html');
    try {
      await promisify(execFile)(
        toolsNode,
        [redocly, 'build-docs', spec, '--inlineBundle', '--output', raw, '--openapi', JSON.stringify(redocOptions)],
        { cwd: root, env: quietEnv, maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (error) {
      const { stdout = '', stderr = '' } = /** @type {{ stdout?: string, stderr?: string }} */ (error);
      throw new Error(`docs: redocly build-docs failed\n${stdout}${stderr}`, { cause: error });
    }
    const html = makeSelfContained(await readFile(raw, 'utf8'), parse(await readFile(spec, 'utf8')));
    checkSelfContained(html);
    await mkdir(outDir, { recursive: true });
    const file = join(outDir, 'index.html');
    await writeFile(file, html);
    return { file, bytes: Buffer.byteLength(html) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const { file, bytes } = await buildDocs();
    console.log(`docs: wrote ${relative(process.cwd(), file) || file} (${(bytes / 1024).toFixed(0)} KiB, self-contained)`);
    console.log(`      open ${pathToFileURL(file).href}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
