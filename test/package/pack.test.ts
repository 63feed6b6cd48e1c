// The package as users get it: `npm pack`, installed into a fresh project, imported by Node, and type-checked by tsc
// against a call with a right body (compiles) and one with a misspelt field (must not compile).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installConsumer } from '../runtimes/consumer-project.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
let work: string;
let packed: { files: { path: string }[] };

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
}

function typeCheck(source: string, config = 'tsconfig.json'): { ok: boolean; output: string } {
  writeFileSync(join(work, 'app', 'snippet.ts'), source);
  const result = spawnSync(process.execPath, [tsc, '-p', join(work, 'app', config)], { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tim-pack-'));
  // `npm pack` runs the prepack build, so the tarball holds dist/ built from this checkout.
  const json = run(npm, ['pack', '--json', '--pack-destination', work], root);
  packed = (JSON.parse(json) as { files: { path: string }[] }[])[0] as typeof packed;
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack produced no tarball');
  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], noEmit: true, skipLibCheck: false },
      files: ['snippet.ts'],
    }),
  );
  // A Node-only project: no DOM library, Node's types (from this checkout, offline), every declaration checked, and
  // declarations emitted, so whatever a user exports from a call must be nameable from the package's exports.
  writeFileSync(
    join(app, 'tsconfig.node.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022'],
        types: ['node'], typeRoots: [join(root, 'node_modules/@types')], skipLibCheck: false,
        declaration: true, emitDeclarationOnly: true, outDir: 'declarations',
      },
      files: ['snippet.ts'],
    }),
  );
  // Offline: the package's dependencies are pinned from our lockfile and come from the cache `npm ci` filled.
  installConsumer(app, `file:../${tarball}`, `file:../${tarball}`);
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the published package', () => {
  it('ships exactly the built code, its declarations and the bundled description', () => {
    const files = packed.files.map((file) => file.path).sort();
    const allowed = /^(dist\/(src(\/[\w-]+)*|generated)\/[\w-]+\.(js|d\.ts)|bin\/(tim-rest-mock|exit-with-parent)\.mjs|generated\/openapi\.(yaml|json|mock\.yaml)|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/;
    expect(files.filter((file) => !allowed.test(file))).toEqual([]);
    for (const needed of ['LICENSE', 'CHANGELOG.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/generated/openapi.d.ts', 'dist/generated/validators.js', 'generated/openapi.yaml', 'generated/openapi.json']) {
      expect(files).toContain(needed);
    }
  });

  it('imports in Node and exposes the client, the error, signing and the regions', () => {
    const script = `
      import { createChatClient, ChatApiError, genUserSig, verifyUserSig, regions } from 'tim-rest-client';
      const client = createChatClient({ sdkAppId: 1400000000, identifier: 'admin', secretKey: 'k' });
      const sig = await genUserSig({ sdkAppId: 1400000000, identifier: 'admin', secretKey: 'k', expireSeconds: 60 });
      const verdict = await verifyUserSig(sig, { sdkAppId: 1400000000, identifier: 'admin', secretKey: 'k' });
      console.log(JSON.stringify({
        methods: ['getFriendLists', 'getSpecifiedFriends', 'getAppGroups', 'getConversationGroupMarks'].map((m) => typeof client[m]),
        error: typeof ChatApiError, verified: verdict.ok, china: regions.china,
        spec: import.meta.resolve('tim-rest-client/openapi.yaml').endsWith('generated/openapi.yaml'),
      }));`;
    const output = run(process.execPath, ['--input-type=module', '-e', script], join(work, 'app'));
    expect(JSON.parse(output)).toEqual({
      methods: ['function', 'function', 'function', 'function'],
      error: 'function',
      verified: true,
      china: 'console.tim.qq.com',
      spec: true,
    });
  });

  it('ships tim-rest-client/redis as its own entry, which the main entry never loads', () => {
    expect(packed.files.map((file) => file.path)).toEqual(expect.arrayContaining(['dist/src/redis/index.js', 'dist/src/redis/index.d.ts']));
    // The consumer has no ioredis (an optional peer): the main entry loads without it, the Redis entry resolves.
    const script = `
      await import('tim-rest-client');
      console.log(JSON.stringify({ redis: import.meta.resolve('tim-rest-client/redis').endsWith('dist/src/redis/index.js') }));`;
    expect(JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], join(work, 'app')))).toEqual({ redis: true });
  });

  it('runs the client against the fake vendor of tim-rest-client/testing', () => {
    const script = `
      import { createChatClient } from 'tim-rest-client';
      import { createFakeVendor, generateDataset } from 'tim-rest-client/testing';
      const fake = createFakeVendor({ dataset: generateDataset({ friends: 150 }) });
      const client = createChatClient(fake.clientOptions());
      const reply = await client.getSpecifiedFriends({ From_Account: 'user0', To_Account: ['friend_1', 'stranger_1'], TagList: ['Tag_Profile_IM_Nick'] });
      console.log(JSON.stringify({ codes: reply.InfoItem.map((item) => item.ResultCode), calls: fake.calls.length }));`;
    const output = run(process.execPath, ['--input-type=module', '-e', script], join(work, 'app'));
    expect(JSON.parse(output)).toEqual({ codes: [0, 30001], calls: 1 });
  });

  it('bundles tim-rest-client/testing for a browser: the in-memory fake reaches no Node module', async () => {
    writeFileSync(join(work, 'app', 'browser.mjs'), "import { createFakeVendor } from 'tim-rest-client/testing';\nconsole.log(typeof createFakeVendor);\n");
    const result = await build({ absWorkingDir: join(work, 'app'), entryPoints: ['browser.mjs'], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', metafile: true });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('node:') || /(^|\/)(server|spawn|server-cli)\.js$/.test(input))).toEqual([]);
    expect(inputs.some((input) => input.endsWith('dist/src/testing/vendor.js'))).toBe(true);
  });

  it('serves the fake over loopback from tim-rest-client/testing/server', () => {
    const script = `
      import { startFakeVendorServer } from 'tim-rest-client/testing/server';
      const server = await startFakeVendorServer({ rateLimit: false });
      const stats = await (await fetch(server.url + '/__fake/stats')).json();
      await server.close();
      console.log(JSON.stringify({ url: /^http:\\/\\/127\\.0\\.0\\.1:\\d+$/.test(server.url), requests: stats.requests }));`;
    const output = run(process.execPath, ['--input-type=module', '-e', script], join(work, 'app'));
    expect(JSON.parse(output)).toEqual({ url: true, requests: 0 });
  });

  it('type-checks a call with a right body', () => {
    const result = typeCheck(`
      import { createChatClient } from 'tim-rest-client';
      const client = createChatClient({ sdkAppId: 1, identifier: 'admin', userSig: 'sig' });
      export async function main(): Promise<string | undefined> {
        const reply = await client.getAppGroups({ Limit: 100, Next: '0', GroupType: 'Public' });
        return reply.Next;
      }`);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('exports what calls return: a walk and options declare in a Node-only project without the DOM library', () => {
    const result = typeCheck(
      `
      import { createChatClient, createLocalQuota, type ChatClientOptions, type HeadersLike } from 'tim-rest-client';
      export const options: ChatClientOptions = { sdkAppId: 1, identifier: 'admin', userSig: 'sig', quota: createLocalQuota({ instances: 2 }) };
      export const chat = createChatClient(options);
      export const walk = chat.paginate('getAppGroups', { Limit: 100 }, { readAhead: 2 });
      export const headers: HeadersLike = { 'x-trace': '1' };
      export const lists = chat.getFriendLists({ From_Account: 'user1' }, { headers, retry: { retries: 1 } });`,
      'tsconfig.node.json',
    );
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('refuses to compile a call with a misspelt field', () => {
    const result = typeCheck(`
      import { createChatClient } from 'tim-rest-client';
      const client = createChatClient({ sdkAppId: 1, identifier: 'admin', userSig: 'sig' });
      export const reply = client.getFriendLists({ From_Acount: 'user1' });`);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/From_Acount/);
  });
});
