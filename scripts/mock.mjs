// `npm run mock`: Prism on the bundled description in the foreground, on $PORT (default 4010), until Ctrl-C.
import { startPrism } from './prism.mjs';

const port = Number(process.env.PORT ?? 4010);
const prism = await startPrism({ port, inheritOutput: true });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void prism.stop().then(() => process.exit(0)));
}
process.exitCode = (await prism.exited) ?? 1;
