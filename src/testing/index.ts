// `tim-rest-client/testing`: a stateful fake of the vendor for testing code that uses the client, in memory through
// the client's `fetch` option. Nothing here needs Node: it bundles for browsers and edge workers. The loopback server
// and the child-process launcher are `tim-rest-client/testing/server`. Nothing here is part of the main entry point.
export { createFakeVendor, FAKE_APP, SCRIPTED_HEADER } from './vendor.js';
export type { FakeVendor, FakeVendorOptions, LatencyOptions, RecordedCall, VendorRequest, VendorOutcome } from './vendor.js';
export type { RecordedAuth } from './auth.js';
export type { Fault } from './faults.js';
export type { FakeVendorStats, OperationStats } from './stats.js';
export type { FakeDataset, FakeFriend, FakeConversations, FieldValue, GroupType, ContactItem } from './dataset.js';
export { generateDataset, type GenerateOptions, type GeneratedDataset } from './generate.js';
export { vendorCodes } from './vendor-codes.js';
export { createCallbackSender, CALLBACK_VARIANTS, STALE_SECONDS } from './callbacks.js';
export type { CallbackExample, CallbackSender, CallbackSenderOptions, CallbackTarget, CallbackVariant, SendCallbackOptions } from './callbacks.js';
export { replayCallbackExamples, type ReplayOptions, type ReplayResult } from './callbacks-replay.js';
