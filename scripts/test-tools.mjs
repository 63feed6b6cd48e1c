// The tools beyond building (the runtime matrix, Prism, Redocly, the browser driver) live in their own package,
// test/package.json, so that a git install of tim-rest-client — where npm installs every devDependency of the root
// before `prepare` builds dist/ — downloads only what building needs. Test files find these tools by ordinary module
// resolution (test/node_modules is on their path); scripts resolve them with `resolveTestTool`.
//
// `node scripts/test-tools.mjs` installs them (`npm ci` in test/) when test/node_modules is missing or was installed
// from another test/package-lock.json; `npm test`, `npm start` and the scripts that need a tool call `ensureTestTools`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const testDir = fileURLToPath(new URL('../test/', import.meta.url));
const lockfile = `${testDir}package-lock.json`;
// Written after a successful install: the hash of the lockfile it installed.
const stamp = `${testDir}node_modules/.installed-lockfile-sha256`;

const lockHash = () => createHash('sha256').update(readFileSync(lockfile)).digest('hex');

/** Whether test/node_modules holds what test/package-lock.json pins. */
export function testToolsInstalled() {
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === lockHash();
}

/** Installs the test tools unless they are installed already; exits the process when npm fails. */
export function ensureTestTools() {
  if (testToolsInstalled()) return;
  console.error('Installing the test tools (npm ci in test/: runtimes, Prism, Redocly, browser driver)...');
  // Without the npm_config_* variables of an enclosing `npm run` (local_prefix would point npm at the root package).
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_(config|package|lifecycle)_/i.test(name)));
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: testDir,
    stdio: 'inherit',
    env: { ...env, SCARF_ANALYTICS: 'false', REDOCLY_TELEMETRY: 'off' },
  });
  if (result.status !== 0) {
    console.error(`npm ci in test/ failed (${result.error?.message ?? `exit ${result.status}`}); the test tools need the npm registry once.`);
    process.exit(result.status || 1);
  }
  writeFileSync(stamp, `${lockHash()}\n`);
}

/**
 * The test tools' own Node 24 (npm:node@24): Redocly CLI runs on it, since Redocly is leaving Node 20 (it
 * prints a deprecation banner on every run there) while the package itself still supports and is tested on Node 20.
 */
export const toolsNode = `${testDir}node_modules/node24/bin/node`;

/** The file a test tool's module specifier (e.g. `@redocly/cli/bin/cli.js`) resolves to from test/. */
export function resolveTestTool(specifier) {
  return createRequire(`${testDir}package.json`).resolve(specifier);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureTestTools();
