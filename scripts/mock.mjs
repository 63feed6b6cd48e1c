// `npm run mock`: Prism on the bundled description in the foreground, on $PORT (default 4010), until Ctrl-C.
import { startPrism } from './prism.mjs';

const port = Number(process.env.PORT ?? 4010);
const prism = await startPrism({ port, inheritOutput: true });
const shutdown = () => void prism.stop().then(() => process.exit(0));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, shutdown);
// Killing `npm run mock` by its pid (as CI scripts do) does not reach this process: npm exits without forwarding the
// signal. Stop Prism when this process is orphaned, so no mock is left listening.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) shutdown();
}, 500).unref();
process.exitCode = (await prism.exited) ?? 1;
