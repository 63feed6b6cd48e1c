// `npm run drift`: the drift report of a real app. Runs the four operations once against the service named by
// TIM_SDKAPPID, TIM_IDENTIFIER, TIM_SECRET_KEY (and TIM_REGION, or TIM_BASE_URL for a mock or fake) as the account
// TIM_FROM_ACCOUNT (default: TIM_IDENTIFIER), and prints how each reply differs from the document. Exit status: 0 no
// drift, 1 drift or a failed call, 2 a missing or invalid variable. The secret key and usersigs are never printed.
import { runDriftCheck, formatDriftReport, driftFound } from '../src/drift/run.js';
import type { ChatClientOptions } from '../src/types.js';

const env = process.env;
const missing = ['TIM_SDKAPPID', 'TIM_IDENTIFIER', 'TIM_SECRET_KEY'].filter((name) => !env[name]);
if (missing.length > 0) {
  console.error(`npm run drift: set ${missing.join(', ')} (and TIM_REGION, e.g. singapore; default china).`);
  process.exit(2);
}

const options = {
  sdkAppId: Number(env['TIM_SDKAPPID']),
  identifier: env['TIM_IDENTIFIER'],
  secretKey: env['TIM_SECRET_KEY'],
  ...(env['TIM_BASE_URL'] ? { baseUrl: env['TIM_BASE_URL'] } : { region: env['TIM_REGION'] || undefined }),
} as ChatClientOptions;

try {
  const results = await runDriftCheck(options, env['TIM_FROM_ACCOUNT'] || String(env['TIM_IDENTIFIER']));
  process.stdout.write(formatDriftReport(results));
  process.exitCode = driftFound(results) ? 1 : 0;
} catch (error) {
  // An invalid option (a TypeError naming it) or an unexpected fault; neither message carries a secret.
  console.error(`npm run drift: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
