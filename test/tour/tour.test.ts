// README's first command: `npm start` runs the tour on its own mock and exits 0, having called every operation.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { operations } from '../../generated/api-facts.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('npm start runs the tour against the built-in mock and exits 0', () => {
  const env = { ...process.env };
  for (const name of ['TIM_SDKAPPID', 'TIM_IDENTIFIER', 'TIM_SECRET_KEY', 'TIM_REGION']) delete env[name];
  const result = spawnSync(process.execPath, ['scripts/start.mjs'], { cwd: root, env, encoding: 'utf8', timeout: 90_000 });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  for (const operation of Object.keys(operations)) expect(result.stdout).toContain(`${operation}`);
  expect(result.stdout).toMatch(/UserID_4: failed, ResultCode 30001/);
  expect(result.stdout).toMatch(/ErrorCode 30003/);
  expect(result.stdout).toContain('Tour finished.');
}, 120_000);
