/// <reference types="node" />
// `tim-rest-client/testing/server`: the fake vendor behind a loopback HTTP server, in this process or in its own
// (`tim-rest-fake`). Node only (node:http, node:child_process); the in-memory fake, which bundles for any platform,
// is `tim-rest-client/testing`.
export { startFakeVendorServer, CONTROL_PATHS } from './server.js';
export type { FakeVendorServer, FakeVendorServerOptions, FakeVendorServerStats } from './server.js';
export { spawnFakeVendorServer } from './spawn.js';
export type { SpawnFakeVendorOptions, SpawnedFakeVendor } from './spawn.js';
