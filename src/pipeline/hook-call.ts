// Hooks may be synchronous or return a promise: either way the call waits for them, and a throw or a rejection fails
// the call with the hook's own error. Nothing a hook does is left unhandled.
import type { HookResult } from '../types.js';

export async function callHook<E>(hook: ((event: E) => HookResult) | undefined, event: E): Promise<void> {
  if (hook) await hook(event);
}
