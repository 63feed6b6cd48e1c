// `npm start`: the tour (examples/tour.ts) against the built-in mock, which it starts on a free port and stops after;
// with TIM_SDKAPPID, TIM_IDENTIFIER and TIM_SECRET_KEY set, against the real service instead.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPrism } from './prism.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const real = Boolean(process.env.TIM_SDKAPPID && process.env.TIM_IDENTIFIER && process.env.TIM_SECRET_KEY);

function runTour(env) {
  const child = spawn(process.execPath, ['--import', 'tsx', `${root}examples/tour.ts`], { env, stdio: 'inherit', cwd: root });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

if (real) {
  process.exitCode = await runTour(process.env);
} else {
  console.log('Starting the mock (Prism on generated/openapi.yaml)…');
  const prism = await startPrism();
  console.log(`Mock listening on ${prism.url}\n`);
  try {
    process.exitCode = await runTour({ ...process.env, TIM_BASE_URL: prism.url });
  } finally {
    await prism.stop();
  }
}
