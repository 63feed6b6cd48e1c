// A consumer's project with this repository installed as a git dependency, the way `npm i git+https://…` does it:
// npm clones the repository, installs its dependencies (dev ones included) in the clone, runs `prepare` (which builds
// dist/) and packs the result. Offline: the repository is a temporary git repository holding the working tree's
// files (so uncommitted changes are tested too), and the consumer's lockfile pins the package's own dependencies at
// the versions of this repository's lockfile, so npm needs nothing but its cache (which `npm ci` filled).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [field: string]: unknown;
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
}

/** Copies the files git would commit (tracked and new, not ignored, not deleted) into a new repository. */
function snapshotRepository(target: string): string {
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate'], root).split('\0').filter(Boolean);
  const deleted = new Set(run('git', ['ls-files', '-z', '--deleted'], root).split('\0').filter(Boolean));
  for (const file of listed) {
    if (deleted.has(file)) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(root, file), join(target, file));
  }
  run('git', ['init', '-q'], target);
  run('git', ['add', '-A'], target);
  run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'snapshot'], target);
  return run('git', ['rev-parse', 'HEAD'], target).trim();
}

/** The lockfile entries of the package's runtime dependencies and theirs, from this repository's lockfile. */
function runtimeLockEntries(dependencies: Record<string, string>): Record<string, LockEntry> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const entries: Record<string, LockEntry> = {};
  const pending = Object.keys(dependencies);
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const key = `node_modules/${name}`;
    if (entries[key]) continue;
    const entry = lock.packages[key];
    if (!entry) throw new Error(`${key} is not in package-lock.json: run npm install`);
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    entries[key] = kept;
    pending.push(...Object.keys(entry.dependencies ?? {}));
  }
  return entries;
}

export interface ConsumerProject {
  /** The temporary directory holding `repo/` and `app/`. */
  work: string;
  /** The consumer: package.json, lockfile, node_modules/tim-rest-client. */
  app: string;
  /** The installed package. */
  installed: string;
}

/**
 * Writes a consumer project in `app` that depends on this package through `spec` (a git URL, a tarball path), with a
 * lockfile in which `resolved` is where npm gets it and the package's own dependencies are pinned from this
 * repository's lockfile, then runs `npm ci --offline` there.
 */
export function installConsumer(app: string, spec: string, resolved: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; license: string; dependencies: Record<string, string>; engines: Record<string, string> };
  const dependencies = { [pkg.name]: spec };
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2)}\n`);
  const packages = {
    '': { name: 'consumer', dependencies },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved,
      hasInstallScript: true,
      license: pkg.license,
      dependencies: pkg.dependencies,
      engines: pkg.engines,
    },
    ...runtimeLockEntries(pkg.dependencies),
  };
  writeFileSync(join(app, 'package-lock.json'), `${JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
  run(npm, ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
  return join(app, 'node_modules', pkg.name);
}

export function installFromGit(): ConsumerProject {
  const work = mkdtempSync(join(tmpdir(), 'tim-git-install-'));
  const repo = join(work, 'repo');
  const app = join(work, 'app');
  mkdirSync(repo);
  mkdirSync(app);
  const commit = snapshotRepository(repo);
  const spec = `git+file://${repo}`;
  return { work, app, installed: installConsumer(app, spec, `${spec}#${commit}`) };
}
