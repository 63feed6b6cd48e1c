// `npm run seeds -- <dir>`: extracts the JSON samples (with page and position) from a directory of the vendor's API
// pages (files named NNN_*.txt) into test/seeds/samples.json, the only form of the pages the repository keeps.
// `npm run seeds -- --check <dir>` only compares, and fails when the committed file is not what the pages give.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSeedPages, storedSeedsFile, toStored } from '../test/support/spec-seed-samples.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const dir = args.find((arg) => !arg.startsWith('--'));
if (!dir) {
  console.error('usage: npm run seeds -- [--check] <directory of the vendor pages (NNN_*.txt)>');
  process.exit(2);
}

const text = `${JSON.stringify(toStored(loadSeedPages(dir)), null, 2)}\n`;
const target = fileURLToPath(storedSeedsFile);
if (check) {
  const same = readFileSync(target, 'utf8') === text;
  console.log(same ? 'test/seeds/samples.json matches the pages' : 'test/seeds/samples.json differs from the pages: run npm run seeds -- <dir>');
  process.exitCode = same ? 0 : 1;
} else {
  writeFileSync(target, text);
  console.log(`wrote test/seeds/samples.json from ${dir}`);
}
