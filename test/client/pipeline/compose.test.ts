// compose: the first stage listed is the outermost wrapper, so it sees the call first and the result last.
import { expect, it } from 'vitest';
import { compose } from '../../../src/pipeline/context.js';

it('runs stages outermost first on the way in and last on the way out', async () => {
  const trace: string[] = [];
  const stage = (name: string) => (next: (input: string) => Promise<string>) => async (input: string) => {
    trace.push(`in ${name}`);
    const out = await next(`${input}>${name}`);
    trace.push(`out ${name}`);
    return out;
  };
  const handler = compose([stage('a'), stage('b'), stage('c')], async (input: string) => `${input}>end`);
  expect(await handler('start')).toBe('start>a>b>c>end');
  expect(trace).toEqual(['in a', 'in b', 'in c', 'out c', 'out b', 'out a']);
});
