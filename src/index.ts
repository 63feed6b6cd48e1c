// The package entry: the client, its error, UserSig signing and verification, and the regions of the document.
export { createChatClient, type ChatClient, type CallOptions, type RequestOf, type ReplyOf, type OperationMethods } from './client.js';
export type { ChatClientOptions, RetryOptions } from './options.js';
export { ChatApiError, TransportCode, type ChunkInfo } from './errors.js';
export { genUserSig, verifyUserSig } from './user-sig.js';
export type { GenUserSigOptions, VerifyUserSigOptions, VerifyUserSigResult, VerifyUserSigFailure } from './user-sig.js';
export { regions, defaultRegion, type Region } from './regions.js';
export { errorCodes, operations, type OperationId } from '../generated/api-facts.js';
export type { PagedOperationId } from './paginate.js';
export type { paths, operations as OperationTypes, components } from '../generated/openapi.js';
