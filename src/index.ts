// The package entry: the client, its error, UserSig signing and verification, the quota it paces by, and the regions
// of the document. Only what the API takes and returns is exported; the pipeline's parts stay inside.
export {
  createChatClient,
  type ChatClient,
  type OperationMethods,
  type PageRequestOf,
  type PageItemOf,
  type PathRequest,
  type PathReply,
} from './client.js';
export type {
  CallOptions,
  ChatClientOptions,
  CommonOptions,
  RequestOf,
  ReplyOf,
  SuccessOf,
  MethodArgs,
  MethodReply,
  CollectedFailures,
  RetryOptions,
  RateLimitOption,
  FailedChunk,
  ChunkFailures,
  PageWalk,
  PaginateOptions,
  WalkSummary,
  HeadersLike,
  FetchLike,
  ClientHooks,
  HookResult,
  RequestEvent,
  ReplyEvent,
  RetryEvent,
  QuotaErrorEvent,
  Quota,
  QuotaLane,
  QuotaVerdict,
} from './types.js';
export { createLocalQuota, type LocalQuotaOptions } from './quota/local-quota.js';
export { ChatApiError, TransportCode, type ChunkInfo, type ChatErrorCode, type ErrorReply } from './errors.js';
export { genUserSig, verifyUserSig } from './user-sig.js';
export type { GenUserSigOptions, VerifyUserSigOptions, VerifyUserSigResult, VerifyUserSigFailure } from './user-sig.js';
export { regions, defaultRegion, type Region } from './regions.js';
export type { HostChoice } from './hosts.js';
export type { DriftFinding, DriftKind } from './drift/check.js';
export type { DriftReport, DriftListener } from './drift/watch.js';
export { errorCodes, operations, type OperationId, type DocumentedErrorCode } from '../generated/api-facts.js';
export type { PagedOperationId } from './paginate.js';
export type { paths, operations as OperationTypes, components } from '../generated/openapi.js';
