// `npm run lint`: Redocly lint (redocly.yaml) of the split source and of the generated bundles users consume (the
// published one and the one the mock serves). Redocly runs on the test tools' Node 24 (toolsNode in test-tools.mjs).
import { spawnSync } from 'node:child_process';
import { ensureTestTools, resolveTestTool, toolsNode } from './test-tools.mjs';

ensureTestTools();
const redocly = resolveTestTool('@redocly/cli/bin/cli.js');
const result = spawnSync(toolsNode, [redocly, 'lint', 'openapi/openapi.yaml', 'generated/openapi.yaml', 'generated/openapi.mock.yaml', '--format=summary'], {
  stdio: 'inherit',
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', SCARF_ANALYTICS: 'false' },
});
process.exitCode = result.status ?? 1;
