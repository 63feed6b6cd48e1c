// Reach: the package installed from git as a consumer gets it (npm runs `prepare`, which builds dist/), imported by
// Node, then the same scenarios (consumer/scenarios.mjs: the four operations, both paginations, chunking, a retry, a
// re-sign after 70001, a business failure, UserSig vectors) run on every runtime the README names, each against its
// own loopback upstream: Node (the one running the tests, engines' lowest), Node 22, Node 24, Bun and Deno from the
// consumer's node_modules, and workerd with the scenarios bundled by esbuild as a Workers deployment would be. The
// runtimes are the test tools `node`, `node24` (npm:node@24), `bun`, `deno` and `workerd` (npm packages with platform
// binaries, test/package.json).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { installFromGit, root, type ConsumerProject } from './consumer-project.js';
import type { FakeVendorServer } from '../../src/testing/server-entry.js';
import { BIG_CURSOR, startMatrixUpstream } from './upstream.js';

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);
// The runtimes are the test tools' (test/package.json), which `npm test` installs in test/node_modules.
const bin = (name: string): string => join(root, 'test', 'node_modules', '.bin', name);
const SECRET_KEY = 'matrix-test-key-not-a-secret';
const RESULT_MARK = 'RUNTIME-RESULT ';

// ---- UserSig vectors, signed by the official signer (tls-sig-api-v2) at pinned clocks --------------------------

interface OfficialApi {
  genUserSig(identifier: string, expire: number): string;
}
// The official package is untyped CommonJS.
const { Api: OfficialApi } = require('tls-sig-api-v2') as { Api: new (sdkAppId: number, key: string) => OfficialApi };

const VECTOR_INPUTS = [
  { sdkAppId: 1400000000, identifier: 'administrator', secretKey: '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e', expireSeconds: 86400, issuedAt: 1700000000 },
  { sdkAppId: 20000001, identifier: 'user_中文-Ω', secretKey: 'another key with spaces', expireSeconds: 180 * 86400, issuedAt: 1767225600 },
  { sdkAppId: 1600000001, identifier: 'a', secretKey: 'k', expireSeconds: 2, issuedAt: 0 },
];

function officialSig(input: (typeof VECTOR_INPUTS)[number]): string {
  // The official signer reads only Date.now(), floored to seconds.
  const spy = vi.spyOn(Date, 'now').mockReturnValue(input.issuedAt * 1000 + 999);
  try {
    return new OfficialApi(input.sdkAppId, input.secretKey).genUserSig(input.identifier, input.expireSeconds);
  } finally {
    spy.mockRestore();
  }
}

// ---- Callback signatures, made by node:crypto (the runtimes verify them with WebCrypto) ---------------------------

const CALLBACK_VECTORS = [
  { token: 'callback-token', sdkAppId: 1400000000, requestTime: 1700000000 },
  { token: 'ключ 中文 token', sdkAppId: 20000001, requestTime: 1767225600 },
].map((vector) => ({ ...vector, sign: createHash('sha256').update(`${vector.token}${vector.requestTime}`).digest('hex') }));

// ---- What every runtime must print ------------------------------------------------------------------------------

function expectedResult(sigs: string[], runtime: string): unknown {
  return {
    getFriendLists: { lists: ['family:a+b', 'work:'], currentSequence: '7' },
    getSpecifiedFriends: { count: 250, inOrder: true, last: 'friend249=remark of friend249', failAccount: [] },
    getAppGroups: { groups: ['@TGS#1', '@TGS#2'], next: BIG_CURSOR, total: 3 },
    getConversationGroupMarks: { groups: ['marks0', 'marks1'], contacts: ['peer0'], complete: 0 },
    paginateAppGroups: { groups: ['@TGS#1', '@TGS#2', '@TGS#3'], cursors: [BIG_CURSOR, '0'] },
    paginateConversationGroupMarks: ['peer0', 'peer1'],
    retry: ['family', 'work'],
    resign: ['family', 'work'],
    failure: { code: 30003, retryable: false, operation: 'getFriendLists' },
    // A write the document does not describe (not idempotent) is re-sent after a refused connection only. workerd
    // reports a refused connection as "Network connection lost.", the words it uses for a reset: nothing tells them
    // apart there, so the write is not re-sent (a duplicate write would be worse than a failed one).
    refused: { code: 'NETWORK_ERROR', attempts: runtime === 'workerd' ? 1 : 3 },
    userSigs: sigs.map((sig) => ({ sig, valid: true, wrongKey: 'bad signature', expired: 'expired' })),
    inMemoryFake: { codes: [0, 30001], calls: ['getSpecifiedFriends'] },
    callbacks: CALLBACK_VECTORS.map(() => ({ valid: true, wrongToken: 'bad signature', stale: 'stale', handler: '200 b' })),
  };
}

// ---- The runtimes -----------------------------------------------------------------------------------------------

interface Runtime {
  name: string;
  /** The command that prints the runtime's version. */
  version: [string, string[]];
  /** Runs the scenarios in the consumer project with this configuration (JSON); resolves to the combined output. */
  run(app: string, config: string): Promise<string>;
}

const RUN_LIMIT_MS = 60_000;

async function output(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { stdout, stderr } = await execFileAsync(command, args, { cwd, env, timeout: RUN_LIMIT_MS, maxBuffer: 16 * 1024 * 1024 });
  return `${stdout}\n${stderr}`;
}

const node22 = join(root, 'test', 'node_modules', 'node', 'bin', 'node');
const node24 = join(root, 'test', 'node_modules', 'node24', 'bin', 'node');

const runtimes: Runtime[] = [
  {
    name: `Node ${process.versions.node} (the one running the tests)`,
    version: [process.execPath, ['--version']],
    run: (app, config) => output(process.execPath, ['main.mjs', config], app),
  },
  {
    name: 'Node 22',
    version: [node22, ['--version']],
    run: (app, config) => output(node22, ['main.mjs', config], app),
  },
  {
    name: 'Node 24',
    version: [node24, ['--version']],
    run: (app, config) => output(node24, ['main.mjs', config], app),
  },
  {
    name: 'Bun',
    version: [bin('bun'), ['--version']],
    run: (app, config) => output(bin('bun'), ['main.mjs', config], app),
  },
  {
    name: 'Deno',
    version: [bin('deno'), ['--version']],
    // The only permission the package needs: the network, to the host it calls.
    run: (app, config) =>
      output(bin('deno'), ['run', '--no-prompt', '--allow-net=127.0.0.1', 'main.mjs', config], app, {
        ...process.env,
        DENO_DIR: join(app, '.deno'),
        DENO_NO_UPDATE_CHECK: '1',
        NO_COLOR: '1',
      }),
  },
  {
    name: 'workerd',
    version: [bin('workerd'), ['--version']],
    run: async (app, config) => {
      // workerd's fetch reaches only public addresses unless the worker's outbound service allows more: "local"
      // is loopback, where the upstream listens.
      writeFileSync(
        join(app, 'config.capnp'),
        `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .matrixWorker),
    (name = "loopback", network = (allow = ["local"])),
  ],
);
const matrixWorker :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "worker-bundle.mjs")],
  compatibilityDate = "2025-09-01",
  bindings = [(name = "CONFIG", text = ${JSON.stringify(config)})],
  globalOutbound = "loopback",
);
`,
      );
      return output(bin('workerd'), ['test', 'config.capnp'], app);
    },
  },
];

// ---- The test ---------------------------------------------------------------------------------------------------

let consumer: ConsumerProject | undefined;
let matrix: FakeVendorServer | undefined;
const sigs = VECTOR_INPUTS.map(officialSig);
// A loopback port nothing listens on: connections to it are refused at once.
let refused = '';
const config = (upstream: string): string =>
  JSON.stringify({ upstream, refused, secretKey: SECRET_KEY, vectors: VECTOR_INPUTS, callbackVectors: CALLBACK_VECTORS });

beforeAll(async () => {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  refused = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
  consumer = installFromGit();
  for (const file of readdirSync(join(root, 'test/runtimes/consumer'))) copyFileSync(join(root, 'test/runtimes/consumer', file), join(consumer.app, file));
  // As a Workers project deploys: one ES module with the package and its dependencies in it, resolved with the
  // conditions Workers' bundlers use.
  await build({
    absWorkingDir: consumer.app,
    entryPoints: ['worker.mjs'],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    outfile: join(consumer.app, 'worker-bundle.mjs'),
    logLevel: 'error',
  });
}, 600_000);

afterEach(async () => {
  await matrix?.close();
  matrix = undefined;
});

afterAll(() => {
  if (consumer) rmSync(consumer.work, { recursive: true, force: true });
});

describe('installed from git', () => {
  it('holds the built package (npm ran prepare) and imports in Node', async () => {
    const installed = consumer!.installed;
    for (const file of ['dist/src/index.js', 'dist/src/index.d.ts', 'generated/openapi.yaml', 'LICENSE']) expect(existsSync(join(installed, file)), file).toBe(true);
    const script = `import * as chat from 'tim-rest-client'; console.log(Object.keys(chat).sort().join(','));`;
    const exported = await output(process.execPath, ['--input-type=module', '-e', script], consumer!.app);
    expect(exported.trim()).toContain('ChatApiError,TransportCode,createChatClient,createLocalQuota,defaultRegion,errorCodes,genUserSig,operations,regions,verifyUserSig');
  });

  it('loads with require() from CommonJS (Node ≥ 20.19 loads the ES module synchronously)', async () => {
    const script = `const chat = require('tim-rest-client'); console.log(typeof chat.createChatClient, typeof chat.ChatApiError);`;
    // stdout only: Node 20 warns on stderr that require() of an ES module is experimental.
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: consumer!.app });
    expect(stdout.trim()).toBe('function function');
  });
});

describe('the official signer', () => {
  it('gives the vectors (sanity check of the pinned clock)', () => {
    expect(new Set(sigs).size).toBe(VECTOR_INPUTS.length);
    for (const sig of sigs) expect(sig).toMatch(/^[A-Za-z0-9*_-]+$/);
  });
});

describe.each(runtimes)('on $name', (runtime) => {
  it('runs every scenario through the installed package, with the same results and the same UserSig bytes', async () => {
    const version = (await output(...runtime.version, root)).trim().split('\n')[0];
    matrix = await startMatrixUpstream(SECRET_KEY);
    const printed = await runtime.run(consumer!.app, config(matrix.url));
    const line = printed.split('\n').find((text) => text.startsWith(RESULT_MARK));
    expect(line, `${runtime.name} (${version}) printed no result:\n${printed}`).toBeDefined();
    expect(JSON.parse(line!.slice(RESULT_MARK.length))).toEqual(expectedResult(sigs, runtime.name));

    // What the fake vendor saw: no usersig refused (the only 7000x is the scripted 70001); the 2^64-1 cursor came
    // back with all its digits; 250 friends in calls of 100, 100 and 50; the 503 and the 70001 each followed by a
    // second call.
    const calls = matrix.vendor.calls;
    expect(calls.filter((call) => call.errorCode !== null && call.errorCode >= 70000).map((call) => call.errorCode)).toEqual([70001]);
    const sent = (call: (typeof calls)[number], field: string): unknown => (call.body as Record<string, unknown>)[field];
    expect(matrix.vendor.callsOf('getAppGroups').map((call) => String(sent(call, 'Next') ?? ''))).toEqual(['', '0', BIG_CURSOR]);
    expect(matrix.vendor.callsOf('getSpecifiedFriends').map((call) => (sent(call, 'To_Account') as string[]).length)).toEqual([100, 100, 50]);
    const listCalls = matrix.vendor.callsOf('getFriendLists').map((call) => `${String(sent(call, 'From_Account'))}:${call.httpStatus ?? '-'}/${call.errorCode ?? '-'}`);
    expect(listCalls).toEqual(['user1:200/0', 'flaky:503/-', 'flaky:200/0', 'expired-once:200/70001', 'expired-once:200/0', 'nobody:200/30003']);
    if (runtime.name === 'Node 22') expect(version).toMatch(/^v22\./);
    if (runtime.name === 'Node 24') expect(version).toMatch(/^v24\./);
  }, 120_000);
});
