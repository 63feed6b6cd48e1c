// `node scripts/docs-measure.mjs [page.html …]`: size (raw and gzip, as a static host would send it) and first-render
// time of reference pages (default docs-build/index.html) in headless Chromium at 1440 × 900, each served from a
// loopback server. First render = from navigation until the page's title heading and a second heading are visible
// (the build-time block of docs-first-content.mjs, where the page has one); first contentful paint = Chromium's
// paint timing entry; Redoc rendered = until Redoc's own title heading (#redoc h1) is visible.
// Runs are interleaved across the pages (load on the machine hits them alike); the median is reported, with the main
// thread's busy time until then (Chromium's TaskDuration), which depends less on other processes than the wall clock.
// A measurement, not a test: numbers depend on the machine and its load.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { ensureTestTools, resolveTestTool } from './test-tools.mjs';

ensureTestTools();
/** @type {typeof import('playwright-core')} */
const { chromium } = createRequire(import.meta.url)(resolveTestTool('playwright-core'));

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (files.length === 0) files.push(fileURLToPath(new URL('../docs-build/index.html', import.meta.url)));
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);

const pages = await Promise.all(
  files.map(async (file) => {
    const html = await readFile(file);
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    return { file, html, server, url: `http://127.0.0.1:${server.address().port}/`, times: [], busy: [], fcp: [], redoc: [] };
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
      const cdp = await context.newCDPSession(tab);
      await cdp.send('Performance.enable');
      const start = performance.now();
      await tab.goto(page.url, { waitUntil: 'commit' });
      await tab.locator('h1, h2').filter({ hasText: /\S/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
      await tab.locator('h1, h2').filter({ hasText: /\S/ }).nth(1).waitFor({ state: 'visible', timeout: 60_000 });
      page.times.push(Math.round(performance.now() - start));
      page.fcp.push(Math.round(await tab.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN)));
      await tab.locator('#redoc h1').first().waitFor({ state: 'visible', timeout: 60_000 });
      page.redoc.push(Math.round(performance.now() - start));
      const { metrics } = await cdp.send('Performance.getMetrics');
      page.busy.push(Math.round(1000 * (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN)));
      await context.close();
    }
  }
} finally {
  await browser.close();
  for (const page of pages) page.server.close();
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
for (const { file, html, times, busy, fcp, redoc } of pages) {
  console.log(
    JSON.stringify({
      file,
      bytes: html.length,
      gzipBytes: gzipSync(html, { level: 9 }).length,
      firstRenderMs: { median: median(times), runs: times },
      firstContentfulPaintMs: { median: median(fcp), runs: fcp },
      redocRenderedMs: { median: median(redoc), runs: redoc },
      mainThreadBusyMs: { median: median(busy), runs: busy },
    }),
  );
}
