// Replays the document's webhook examples, signed, against a receiver: what `tim-rest-callbacks` runs. Prism serves
// the REST calls but sends no webhooks; this plays the Chat backend's side for a local receiver.
import { CALLBACK_VARIANTS, createCallbackSender, type CallbackTarget, type CallbackVariant } from './callbacks.js';

export interface ReplayOptions {
  sdkAppId: number;
  token: string;
  /** Only this command's examples (default: every example). */
  command?: string;
  /** How to sign them (default `valid`). */
  variant?: CallbackVariant;
}

export interface ReplayResult {
  command: string;
  example: string;
  status: number;
  /** The receiver's answer, as text (at most 200 characters). */
  answer: string;
}

/** Sends each example to `target` in turn; resolves to what the receiver answered to each. */
export async function replayCallbackExamples(target: CallbackTarget, options: ReplayOptions): Promise<ReplayResult[]> {
  if (options.variant !== undefined && !CALLBACK_VARIANTS.includes(options.variant)) {
    throw new TypeError(`variant: ${options.variant} is not one of ${CALLBACK_VARIANTS.join(', ')}`);
  }
  const sender = createCallbackSender({ sdkAppId: options.sdkAppId, token: options.token });
  const chosen = sender.examples.filter((example) => options.command === undefined || example.command === options.command);
  if (chosen.length === 0) throw new TypeError(`command: ${options.command} has no example; the document has ${[...new Set(sender.examples.map((e) => e.command))].join(', ')}`);
  const results: ReplayResult[] = [];
  for (const example of chosen) {
    const response = await sender.send(target, example.command, example.value, { variant: options.variant ?? 'valid' });
    results.push({ command: example.command, example: example.name, status: response.status, answer: (await response.text()).slice(0, 200) });
  }
  return results;
}
