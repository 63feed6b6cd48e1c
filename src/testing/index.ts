// `tim-rest-client/testing`: a stateful fake of the vendor for testing code that uses the client — in memory through
// the client's `fetch` option, or as a loopback HTTP server. Nothing here is part of the main entry point.
export { createFakeVendor, FAKE_APP, SCRIPTED_HEADER } from './vendor.js';
export type { FakeVendor, FakeVendorOptions, LatencyOptions, RecordedCall, VendorRequest, VendorOutcome } from './vendor.js';
export type { RecordedAuth } from './auth.js';
export type { Fault } from './faults.js';
export type { FakeVendorStats, OperationStats } from './stats.js';
export type { FakeDataset, FakeFriend, FakeConversations, FieldValue, GroupType, ContactItem } from './dataset.js';
export { generateDataset, type GenerateOptions, type GeneratedDataset } from './generate.js';
export { vendorCodes } from './vendor-codes.js';
export type { FakeVendorServer, FakeVendorServerOptions, FakeVendorServerStats } from './server.js';
export type { SpawnFakeVendorOptions, SpawnedFakeVendor } from './spawn.js';
export { createCallbackSender, CALLBACK_VARIANTS, STALE_SECONDS } from './callbacks.js';
export type { CallbackExample, CallbackSender, CallbackSenderOptions, CallbackTarget, CallbackVariant, SendCallbackOptions } from './callbacks.js';
export { replayCallbackExamples, type ReplayOptions, type ReplayResult } from './callbacks-replay.js';

import type { FakeVendorServer, FakeVendorServerOptions } from './server.js';
import type { SpawnFakeVendorOptions, SpawnedFakeVendor } from './spawn.js';

// The server and the child-process launcher need Node's http and child_process; loading them on first use keeps this
// entry importable on runtimes without them (edge workers), where the in-memory fake still works.

/** Starts the fake vendor as a loopback HTTP server in this process (port 0 by default). */
export async function startFakeVendorServer(options?: FakeVendorServerOptions): Promise<FakeVendorServer> {
  const { startFakeVendorServer: start } = await import('./server.js');
  return start(options);
}

/** Starts the fake vendor's loopback server in its own process (`tim-rest-fake`); resolves once it listens. */
export async function spawnFakeVendorServer(options?: SpawnFakeVendorOptions): Promise<SpawnedFakeVendor> {
  const { spawnFakeVendorServer: spawnServer } = await import('./spawn.js');
  return spawnServer(options);
}
