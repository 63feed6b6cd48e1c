// Summarizes a V8 .cpuprofile (node --cpu-prof): self time per function and per owner (the client's src/, the
// generated validators, openapi-fetch, other deps, Node's bundled undici, other Node internals, GC, idle).
// Usage: node bench/summarize-profile.mjs file.cpuprofile [top=30] [--tree=pattern] [--diff=base.cpuprofile]
//   --tree=pattern  also prints, for functions whose name matches, the total (self + children) time by callee owner.
//   --diff=base     also prints the functions and owners whose self time grew most against a base profile of the
//                   same number of calls (e.g. the client's method against raw fetch).
import { readFileSync } from 'node:fs';

const [file, topArg, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/summarize-profile.mjs file.cpuprofile [top] [--tree=pattern]');
  process.exit(1);
}
const top = Number(topArg ?? 30);
const treeArg = rest.find((a) => a.startsWith('--tree='))?.slice('--tree='.length);
const diffArg = rest.find((a) => a.startsWith('--diff='))?.slice('--diff='.length);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** Self time per node id: each sample is charged to its node; timeDeltas[i] is the time before sample i. */
function selfTimes(p) {
  const self = new Map();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  return self;
}
const selfUs = selfTimes(profile);
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

export function owner(frame) {
  const url = frame.url ?? '';
  const name = frame.functionName;
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'V8/native (program)';
  if (name === '(root)') return 'root';
  if (url.includes('node:internal/deps/undici') || url.includes('undici')) return 'undici (Node fetch)';
  if (/generated\/validators/.test(url)) return 'client: generated validators';
  if (/\/src\/[^/]+\.ts/.test(url) || /\/src\/[^/]+\.js/.test(url)) return 'client: src/';
  if (url.includes('openapi-fetch')) return 'openapi-fetch';
  if (url.includes('lossless-json')) return 'lossless-json';
  if (url.includes('/bench/')) return 'bench harness';
  if (url.includes('tinybench')) return 'tinybench';
  if (url.includes('tsx')) return 'tsx loader';
  if (url.startsWith('node:')) return `node internals`;
  if (url === '') return 'V8 builtins / native';
  return 'other';
}

function aggregate(p, self) {
  const nodes = new Map(p.nodes.map((node) => [node.id, node]));
  const functions = new Map();
  const owners = new Map();
  for (const [id, us] of self) {
    const frame = nodes.get(id).callFrame;
    const where = frame.url ? `${frame.url.replace(/^file:\/\/.*?\/(src|generated|bench|node_modules)\//, '$1/')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`;
    const entry = functions.get(key) ?? { us: 0, owner: owner(frame) };
    entry.us += us;
    functions.set(key, entry);
    owners.set(owner(frame), (owners.get(owner(frame)) ?? 0) + us);
  }
  return { functions, owners };
}
const { functions: perFunction, owners: perOwner } = aggregate(profile, selfUs);

const pct = (us) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
console.log(`profile ${file}: ${(totalUs / 1000).toFixed(0)} ms sampled, ${profile.samples.length} samples`);
const busyUs = totalUs - (perOwner.get('idle') ?? 0);
console.log('\nself time by owner (share of all / share of non-idle):');
for (const [name, us] of [...perOwner].sort((a, b) => b[1] - a[1])) {
  console.log(`${ms(us)} ${pct(us)} ${name === 'idle' ? '      ' : `${((100 * us) / busyUs).toFixed(1).padStart(5)}%`}  ${name}`);
}
console.log(`\ntop ${top} functions by self time:`);
for (const [key, entry] of [...perFunction].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
  console.log(`${ms(entry.us)} ${pct(entry.us)}  [${entry.owner}] ${key}`);
}

if (treeArg) {
  // Total time under functions matching the pattern, split by the owner of the frame the time was spent in.
  const pattern = new RegExp(treeArg);
  const under = new Map();
  for (const [id, us] of selfUs) {
    let cursor = id;
    let matched = false;
    while (cursor !== undefined) {
      const frame = byId.get(cursor).callFrame;
      if (pattern.test(frame.functionName)) {
        matched = true;
        break;
      }
      cursor = parentOf.get(cursor);
    }
    if (!matched) continue;
    const o = owner(byId.get(id).callFrame);
    under.set(o, (under.get(o) ?? 0) + us);
  }
  const sum = [...under.values()].reduce((a, b) => a + b, 0);
  console.log(`\ntime under /${treeArg}/: ${(sum / 1000).toFixed(0)} ms (${pct(sum)})`);
  for (const [name, us] of [...under].sort((a, b) => b[1] - a[1])) console.log(`${ms(us)} ${pct(us)}  ${name}`);
}

if (diffArg) {
  const base = JSON.parse(readFileSync(diffArg, 'utf8'));
  const { functions: baseFunctions, owners: baseOwners } = aggregate(base, selfTimes(base));
  console.log(`\nself time grown against ${diffArg} (this − base):`);
  for (const [name, us] of [...perOwner].map(([k, v]) => [k, v - (baseOwners.get(k) ?? 0)]).sort((a, b) => b[1] - a[1])) {
    console.log(`${ms(us)}  ${name}`);
  }
  console.log(`\ntop ${top} functions by growth:`);
  const keys = new Set([...perFunction.keys(), ...baseFunctions.keys()]);
  const grown = [...keys].map((k) => [k, (perFunction.get(k)?.us ?? 0) - (baseFunctions.get(k)?.us ?? 0), perFunction.get(k)?.owner ?? baseFunctions.get(k)?.owner]);
  for (const [key, us, o] of grown.sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  [${o}] ${key}`);
}
