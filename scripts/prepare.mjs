// `prepare`: what npm runs after `npm ci`/`npm install` in a checkout, when it installs the package from git
// (`npm i git+https://…`, `github:owner/repo`), and before `npm pack`/`npm publish`. It builds dist/, which the
// repository does not track, so that a git install gets an importable package.
//
// It also removes node_modules/.bin/node when that is the devDependency `node` (Node 22, which the runtime matrix
// runs by its path): npm puts node_modules/.bin first on the PATH of every script, so the link would silently move
// `npm test`, `npm start` and every tool they start from the Node that runs npm to Node 22.
import { lstatSync, readlinkSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const nodeLink = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
try {
  if (lstatSync(nodeLink).isSymbolicLink() && /(^|[\\/])node[\\/]bin[\\/]node$/.test(readlinkSync(nodeLink))) unlinkSync(nodeLink);
} catch (error) {
  if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ENOENT') throw error;
}

await import('./build.mjs');
