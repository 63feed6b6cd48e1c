// `tim-rest-client/callbacks`: receiving the Chat backend's callbacks (webhooks). A separate entry from the client,
// so an app that only calls the REST API bundles none of it, and a receiver bundles no client.
export { verifyCallback, DEFAULT_MAX_SKEW_SECONDS } from './verify.js';
export type { CallbackQuery, CallbackRefusal, CallbackVerification, VerifyCallbackOptions } from './verify.js';
export { createCallbackHandler } from './handler.js';
export type { CallbackContext, CallbackHandlerFn, CallbackHandlerOptions, CallbackHandlers } from './handler.js';
export { OK_REPLY, type CallbackReply } from './reply.js';
export { toNodeListener, type NodeListenerOptions } from './node.js';
export type { CallbackBody, CallbackCommand } from '../../generated/callbacks.js';
