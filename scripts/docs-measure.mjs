// `node scripts/docs-measure.mjs [file]`: size and first-render time of the reference page (default
// docs-build/index.html) in headless Chromium, served from a loopback server. First render = from navigation start
// until the title heading and the first operation's heading are visible; the median of 5 cold page loads.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const file = process.argv[2] ?? fileURLToPath(new URL('../docs-build/index.html', import.meta.url));
const html = await readFile(file);
const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const runs = [];
try {
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator('h1, h2').filter({ hasText: /\S/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('h2').nth(1).waitFor({ state: 'visible', timeout: 30_000 });
    runs.push(Date.now() - start);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
runs.sort((a, b) => a - b);
console.log(JSON.stringify({ file, bytes: html.length, firstRenderMs: { median: runs[2], runs } }));
