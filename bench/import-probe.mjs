// Cold import of one module in a fresh node process (bench/run.ts starts one per sample): prints the import's time
// and, when the module exports createChatClient, the time of the first createChatClient() call, in ms.
import { pathToFileURL } from 'node:url';

const t0 = performance.now();
const module = await import(pathToFileURL(process.argv[2]).href);
const t1 = performance.now();
module.createChatClient({ sdkAppId: 1400000000, identifier: 'administrator', secretKey: 'k', baseUrl: 'http://127.0.0.1:1' });
const t2 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0, createMs: t2 - t1 }));
