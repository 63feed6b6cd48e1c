// README's list of the mock's named replies is for people; this keeps it in step with the document it describes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listOperations } from './support/spec-document.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const mockSection = readme.split('\n## ').find((section) => section.startsWith('Running the mock in your own CI')) ?? '';

describe('README, running the mock', () => {
  it.each(listOperations().map((operation) => [operation.operationId, operation] as const))(
    'lists every named reply example of %s for Prefer: example=…',
    (operationId, operation) => {
      const row = mockSection.split('\n').find((line) => line.startsWith(`| \`${operationId}\` |`));
      expect(row, `a row for ${operationId} in README's mock section`).toBeDefined();
      for (const example of operation.responseExamples) expect(row).toContain(`\`${example.name}\``);
    },
  );
});
