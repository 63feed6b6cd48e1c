// `npm start`: the tour (examples/tour.ts) against the built-in mock, which it starts on a free port and stops after;
// with TIM_SDKAPPID, TIM_IDENTIFIER and TIM_SECRET_KEY set, against the real service instead.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPrism } from './prism.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const credentials = ['TIM_SDKAPPID', 'TIM_IDENTIFIER', 'TIM_SECRET_KEY'];
const missing = credentials.filter((name) => !process.env[name]);
const real = missing.length === 0;

// Some set and some not is a mistake (a typo, an unexported variable): running on the mock would hide it.
if (missing.length > 0 && missing.length < credentials.length) {
  const set = credentials.filter((name) => !missing.includes(name));
  console.error(
    `npm start: ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.\n` +
      'Set all three to run the tour against the real service, or none of them to run it against the built-in mock.',
  );
  process.exit(2);
}

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
