#!/usr/bin/env node
/// <reference types="node" />
// `tim-rest-callbacks`: sends the document's webhook examples, signed as the Chat backend signs them, to a local
// receiver, and prints the answer to each. Exit code 1 when any answer is not HTTP 200 (for `--variant valid`) or is
// 200 (for a wrong variant, which a receiver must refuse).
import { parseArgs } from 'node:util';
import { CALLBACK_VARIANTS, type CallbackVariant } from './callbacks.js';
import { replayCallbackExamples } from './callbacks-replay.js';

export const USAGE = `Usage: tim-rest-callbacks <callback URL> --sdkappid N --token TOKEN [options]
  --command C     only the examples of this CallbackCommand (default: all)
  --variant V     ${CALLBACK_VARIANTS.join(' | ')} (default: valid)`;

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { sdkappid: { type: 'string' }, token: { type: 'string' }, command: { type: 'string' }, variant: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [url] = positionals;
  const sdkAppId = Number(values.sdkappid);
  if (url === undefined || !Number.isSafeInteger(sdkAppId) || sdkAppId <= 0 || !values.token) {
    console.error(`tim-rest-callbacks: a URL, --sdkappid (a positive integer) and --token are required\n${USAGE}`);
    return 2;
  }
  const variant = (values.variant ?? 'valid') as CallbackVariant;
  const results = await replayCallbackExamples(url, {
    sdkAppId,
    token: values.token,
    variant,
    ...(values.command === undefined ? {} : { command: values.command }),
  });
  let failed = 0;
  for (const result of results) {
    const expected = variant === 'valid' ? result.status === 200 : result.status !== 200;
    if (!expected) failed++;
    console.log(`${expected ? 'ok  ' : 'FAIL'} ${result.command} (${result.example}): ${result.status} ${result.answer}`);
  }
  return failed === 0 ? 0 : 1;
}

// Run only as the command, not when a test imports main().
if (process.argv[1] && /callbacks-cli\.(js|ts)$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`tim-rest-callbacks: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
    },
  );
}
