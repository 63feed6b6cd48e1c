// A clone works wherever it is put: no tracked file names a directory of a particular machine (a home, a build
// workspace, a drive), so nothing can read the vendor pages or anything else from outside the repository.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MACHINE_PATH = /(?<![\w.~-])(?:\/work\/|\/home\/[a-z_][\w-]*\/|\/Users\/[\w.-]+\/|\/root\/|[A-Z]:\\(?:Users|work)\\)/;

it('no tracked file names an absolute path of a build machine', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  expect(files.length).toBeGreaterThan(50);
  const hits = files.flatMap((file) => {
    // This file spells the patterns out; the others must not contain them.
    if (file === 'test/package/machine-paths.test.ts') return [];
    const text = readFileSync(join(root, file), 'utf8');
    return text.split('\n').flatMap((line, i) => (MACHINE_PATH.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
  });
  expect(hits).toEqual([]);
});

it('the pattern catches what it is for', () => {
  // The build workspace's path is assembled, so that this file does not spell out the one path it must never read.
  const workspace = ['', 'work', 'checkout', 'seeds'].join('/');
  for (const path of [workspace, "'/home/alice/x'", 'C:\\Users\\bob', '/Users/carol/repo', '/root/.npm']) expect(path).toMatch(MACHINE_PATH);
  for (const path of ['/usr/bin/chromium', 'node_modules/.bin/node', `https://example.com${workspace}`, '/tmp/prof']) expect(path).not.toMatch(MACHINE_PATH);
});
