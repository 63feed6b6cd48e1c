// The package entry: the client, its error, UserSig signing and verification, and the regions of the document.
export {
  createChatClient,
  type ChatClient,
  type OperationMethods,
  type PageRequestOf,
  type PageItemOf,
  type PathRequest,
  type PathReply,
} from './client.js';
export type { CallOptions, RequestOf, ReplyOf, SuccessOf, MethodArgs, MethodReply, CollectedFailures, RetryOptions } from './types.js';
export type { FailedChunk, ChunkFailures } from './chunk.js';
export type { ChatClientOptions } from './options.js';
export type { ClientHooks, RequestEvent, ReplyEvent, RetryEvent } from './pipeline/hooks.js';
export type { Pacer } from './quota/pacer.js';
export { ChatApiError, TransportCode, type ChunkInfo, type ChatErrorCode } from './errors.js';
export { genUserSig, verifyUserSig } from './user-sig.js';
export type { GenUserSigOptions, VerifyUserSigOptions, VerifyUserSigResult, VerifyUserSigFailure } from './user-sig.js';
export { regions, defaultRegion, type Region } from './regions.js';
export type { HostChoice } from './hosts.js';
export type { DriftFinding, DriftKind } from './drift/check.js';
export type { DriftReport, DriftListener } from './drift/watch.js';
export { errorCodes, operations, type OperationId, type DocumentedErrorCode } from '../generated/api-facts.js';
export type { PagedOperationId } from './paginate.js';
export type { paths, operations as OperationTypes, components } from '../generated/openapi.js';
