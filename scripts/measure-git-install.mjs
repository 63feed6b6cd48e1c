// `node scripts/measure-git-install.mjs [REF]`: what a user's `npm install git+…` of this repository costs. Clones the
// committed REF (default HEAD) into a temporary folder, installs it from `git+file://` into an empty consumer project
// with an empty npm cache, and reports the time, the bytes npm downloaded (the cache's content after the install:
// every tarball fetched, for the package and for the devDependencies its `prepare` build needs) and what the consumer
// keeps. A measurement, not a test: the registry's speed decides the time, so nothing here passes or fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ref = process.argv[2] ?? 'HEAD';
const work = mkdtempSync(join(tmpdir(), 'tim-git-install-'));

/** Total size of the files under `dir`, in bytes. */
function bytesUnder(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

try {
  const clone = join(work, 'repo');
  execFileSync('git', ['clone', '--quiet', '--no-checkout', root, clone]);
  execFileSync('git', ['-C', clone, 'checkout', '--quiet', execFileSync('git', ['-C', root, 'rev-parse', ref], { encoding: 'utf8' }).trim()]);
  const app = join(work, 'app');
  const cache = join(work, 'cache');
  mkdirSync(app);
  mkdirSync(cache);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  const env = { ...process.env, npm_config_cache: cache, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', SCARF_ANALYTICS: 'false', REDOCLY_TELEMETRY: 'off' };
  const started = performance.now();
  const install = spawnSync('npm', ['install', `git+file://${clone}`], { cwd: app, env, encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (install.status !== 0) throw new Error(`npm install failed (${install.status}):\n${install.stdout}\n${install.stderr}`);
  const check = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('tim-rest-client'); if (typeof m.genUserSig !== 'function') throw new Error('no genUserSig'); console.log('ok')"], { cwd: app, encoding: 'utf8' });
  console.log(`ref ${ref}: npm install git+file:// with an empty cache`);
  console.log(`  time        ${seconds.toFixed(1)} s`);
  console.log(`  downloaded  ${mb(bytesUnder(join(cache, '_cacache', 'content-v2')))} (npm cache content afterwards)`);
  console.log(`  kept        ${mb(bytesUnder(join(app, 'node_modules')))} (the consumer's node_modules)`);
  console.log(`  import      ${check.status === 0 ? 'works' : `fails: ${check.stderr.trim()}`}`);
  if (install.stderr.trim()) console.log(`  npm said:\n${install.stderr.trim().replace(/^/gm, '    ')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
