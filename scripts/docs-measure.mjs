// `node scripts/docs-measure.mjs [page.html …]`: size (raw and gzip, as a static host would send it) and first-render
// time of reference pages (default docs-build/index.html) in headless Chromium at 1440 × 900, each served from a
// loopback server. First render = from navigation until the page's title heading and a second heading are visible.
// Runs are interleaved across the pages (load on the machine hits them alike); the median is reported.
// A measurement, not a test: numbers depend on the machine and its load.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (files.length === 0) files.push(fileURLToPath(new URL('../docs-build/index.html', import.meta.url)));
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);

const pages = await Promise.all(
  files.map(async (file) => {
    const html = await readFile(file);
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    return { file, html, server, url: `http://127.0.0.1:${server.address().port}/`, times: [] };
  }),
);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  for (let i = 0; i < runs; i++) {
    for (const page of pages) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const tab = await context.newPage();
      const start = performance.now();
      await tab.goto(page.url, { waitUntil: 'commit' });
      await tab.locator('h1, h2').filter({ hasText: /\S/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
      await tab.locator('h1, h2').filter({ hasText: /\S/ }).nth(1).waitFor({ state: 'visible', timeout: 60_000 });
      page.times.push(Math.round(performance.now() - start));
      await context.close();
    }
  }
} finally {
  await browser.close();
  for (const page of pages) page.server.close();
}
for (const { file, html, times } of pages) {
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    JSON.stringify({ file, bytes: html.length, gzipBytes: gzipSync(html, { level: 9 }).length, firstRenderMs: { median: sorted[sorted.length >> 1], runs: times } }),
  );
}
