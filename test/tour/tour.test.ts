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

it.each([
  [{ TIM_SDKAPPID: '1400000000' }, ['TIM_IDENTIFIER', 'TIM_SECRET_KEY']],
  [{ TIM_SDKAPPID: '1400000000', TIM_SECRET_KEY: 'k' }, ['TIM_IDENTIFIER']],
  [{ TIM_IDENTIFIER: 'administrator', TIM_SECRET_KEY: 'k' }, ['TIM_SDKAPPID']],
])('npm start with only %o set names what is missing (%j) and starts nothing', (set, missing) => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['TIM_SDKAPPID', 'TIM_IDENTIFIER', 'TIM_SECRET_KEY']) delete env[name];
  const result = spawnSync(process.execPath, ['scripts/start.mjs'], { cwd: root, env: { ...env, ...set }, encoding: 'utf8', timeout: 30_000 });
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  const said = result.stderr.split('but')[1] ?? '';
  for (const name of missing) expect(said).toContain(name);
  for (const name of Object.keys(set)) expect(said).not.toContain(name);
  expect(result.stderr).toContain('none of them to run it against the built-in mock');
});
