// Bundles the split OpenAPI description into one document for tools and users, and renders the machine-readable
// extensions (x-rate-limit, x-error-codes) as the human-readable text of the reference docs, so neither is typed twice.
import { writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundle, loadConfig } from '@redocly/openapi-core';
import { stringify } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
export const bundlePaths = { yaml: `${root}generated/openapi.yaml`, json: `${root}generated/openapi.json` };

/** Every operation of the document, with its path. */
export function listOperations(document) {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );
}

function codeTable(codes, withScope) {
  const head = withScope
    ? '| Code | Operations | Meaning | Retry helps |\n| --- | --- | --- | --- |'
    : '| Code | Meaning | Retry helps |\n| --- | --- | --- |';
  const rows = codes.map((c) => {
    const retry = c.resign ? 'after re-signing' : c.retryable ? 'yes' : 'no';
    const scope = c.operations ? c.operations.map((id) => `\`${id}\``).join(', ') : 'all (public)';
    return withScope ? `| ${c.code} | ${scope} | ${c.description} | ${retry} |` : `| ${c.code} | ${c.description} | ${retry} |`;
  });
  return [head, ...rows].join('\n');
}

function decorate(document) {
  const codes = document['x-error-codes'];
  document.info.description +=
    '\n\n# Error codes\n\nFrom `x-error-codes`. "Retry helps": whether the same request, sent again after a back-off ' +
    'with a new `random`, can succeed; the client retries exactly these (and network faults, timeouts, HTTP 429 and ' +
    '5xx).\n\n' +
    codeTable(codes, true) +
    '\n';
  for (const { operation } of listOperations(document)) {
    const limit = operation['x-rate-limit'];
    const own = codes.filter((c) => c.operations?.includes(operation.operationId));
    operation.description +=
      `\n\n**Rate limit:** ${limit ? `${limit.requestsPerSecond} calls per second` : 'not stated by the vendor'}.` +
      `\n\n**Error codes of this operation** (and the public codes 60000–79999, see *Error codes*):\n\n` +
      codeTable(own, false) +
      '\n';
  }
  return document;
}

/** The bundled, decorated document as a plain object. */
export async function buildBundle() {
  const config = await loadConfig({ configPath: `${root}redocly.yaml` });
  const result = await bundle({ ref: `${root}openapi/openapi.yaml`, config });
  const problems = result.problems.filter((p) => p.severity === 'error');
  if (problems.length > 0) {
    throw new Error(`bundle failed: ${problems.map((p) => p.message).join('; ')}`);
  }
  return decorate(structuredClone(result.bundle.parsed));
}

export function serializeBundle(document) {
  return {
    yaml: stringify(document, { lineWidth: 0, aliasDuplicateObjects: false }),
    json: `${JSON.stringify(document, null, 2)}\n`,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = serializeBundle(await buildBundle());
  await mkdir(`${root}generated`, { recursive: true });
  await writeFile(bundlePaths.yaml, out.yaml);
  await writeFile(bundlePaths.json, out.json);
  console.log(`bundled into ${bundlePaths.yaml} and ${bundlePaths.json}`);
}
