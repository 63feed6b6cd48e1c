// Entry for Node, Bun and Deno: the configuration comes as one JSON argument, the result goes to stdout as one line.
import { RESULT_MARK, runScenarios } from './scenarios.mjs';

const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2);
const result = await runScenarios(JSON.parse(args[0]));
console.log(RESULT_MARK + JSON.stringify(result));
