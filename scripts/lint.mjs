// `npm run lint`: Redocly lint (redocly.yaml) of the split source and of the generated bundles users consume (the
// published one and the one the mock serves).
import { spawnSync } from 'node:child_process';
import { ensureTestTools, resolveTestTool } from './test-tools.mjs';

ensureTestTools();
const redocly = resolveTestTool('@redocly/cli/bin/cli.js');
const result = spawnSync(process.execPath, [redocly, 'lint', 'openapi/openapi.yaml', 'generated/openapi.yaml', 'generated/openapi.mock.yaml', '--format=summary'], {
  stdio: 'inherit',
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', SCARF_ANALYTICS: 'false' },
});
process.exitCode = result.status ?? 1;
