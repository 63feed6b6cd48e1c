// `npm run build`: the package as users install it. tsc compiles src/ and the generated modules into dist/; the
// generated type declarations (openapi.d.ts) are not tsc output, so they are copied beside the code that imports them.
import { rm, copyFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
await rm(`${root}dist`, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
await copyFile(`${root}generated/openapi.d.ts`, `${root}dist/generated/openapi.d.ts`);
// stderr: `npm pack --json` prints its report on stdout, after this script's output.
console.error('built dist/');
