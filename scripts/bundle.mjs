// Bundles the split OpenAPI description into one document for tools and users, and renders the machine-readable
// extensions (x-rate-limit, x-error-codes) as the human-readable text of the reference docs, so neither is typed twice.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundle, loadConfig } from '@redocly/openapi-core';
import { stringify } from 'yaml';
import { ERROR_CODES_ROUTE, ERROR_CODES_TAG } from './error-code-routes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const bundlePaths = {
  yaml: `${root}generated/openapi.yaml`,
  json: `${root}generated/openapi.json`,
  mockYaml: `${root}generated/openapi.mock.yaml`,
};

/** Every operation of the document, with its path. */
export function listOperations(document) {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** 18446744073709551615 as the YAML/JSON parsers give it: the double 2^64, which has lost the last digits. */
const UINT64_MAX_AS_DOUBLE = 2 ** 64;
const UINT64_MAX = 18446744073709551615n;
const PLACEHOLDERS = { sdkappid: '$SDKAPPID', identifier: '$IDENTIFIER', usersig: '$USERSIG' };

/** What the client does with a code by itself (short: it is a table column). */
function clientAction(c) {
  // A non-breaking hyphen (U+2011): the column is narrow, and "re-" alone on a line reads as a broken word.
  if (c.resign) return 're\u2011signs, retries once';
  if (c.rateLimit) return 'slows down, retries';
  if (c.retryable && c.minRetryWaitMs) return `waits ${c.minRetryWaitMs / 1000} s, retries`;
  if (c.retryable) return 'retries';
  return 'no retry';
}

function codeTable(codes) {
  const rows = codes.map((c) => `| ${c.code} | ${c.description} | ${clientAction(c)} |`);
  return ['| Code | Meaning and what to do | Client |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The operations that return a code, as a reader names them. */
function returnedBy(c) {
  if (!c.operations) return 'every call (a public code)';
  return c.operations.map((id) => `\`${id}\``).join(', ').replace(/, ([^,]*)$/, ' and $1');
}

/**
 * The "Error codes" tag (a tag of text only, x-traitTag): a section per code, headed by the bare number. Redoc makes
 * every heading of a tag's description a section with a link of its own (#/error-codes/70001) and a sidebar entry,
 * and its search indexes each such section under its heading, so typing a code lists the code's meaning first. Table
 * rows get neither, which is why the codes are not one table here (the operations keep theirs).
 */
function errorCodesTag(codes) {
  const sections = codes.map(
    (c) =>
      `## ${c.code}\n\n${c.description}\n\n**Client:** ${clientAction(c)}. **Returned by:** ${returnedBy(c)}.`,
  );
  return {
    name: ERROR_CODES_TAG,
    description:
      'What each `ErrorCode` means, what to do about it, and what the TypeScript client does by itself (it also ' +
      'retries network faults, timeouts, HTTP 429 and 5xx). A retry is the same request with a new `random`.\n\n' +
      sections.join('\n\n'),
    'x-traitTag': true,
  };
}

function regionTable(regions, defaultHost) {
  // The backup host sits under the primary one, so the table keeps three columns and fits the page's middle column;
  // on a phone, host names may wrap (docs.mjs), at the dots first (<wbr>).
  const hostCell = (host) => `<code>${host.replaceAll('.', '.<wbr>')}</code>`;
  const rows = Object.entries(regions).map(
    ([name, { host, backupHost, location, note }]) =>
      `| \`${name}\`${host === defaultHost ? ' (default)' : ''} | ${hostCell(host)}${backupHost ? `<br>backup: ${hostCell(backupHost)}` : ''} | ${location}${note ? ` — ${note}` : ''} |`,
  );
  return ['| Region (client option `region`) | Host, and backup host (option `host`) | Location |', '| --- | --- | --- |', ...rows].join('\n');
}

function resolveRef(document, node) {
  let current = node;
  while (current && typeof current.$ref === 'string') {
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce((at, part) => at[part], document);
  }
  return current;
}

/** Whether a schema is a 64-bit integer a double may not hold (the TypeScript client carries it as a string). */
const isWideInteger = (schema) =>
  schema?.type === 'integer' &&
  (schema.format === 'int64' || (typeof schema.maximum === 'number' && schema.maximum > MAX_SAFE)) &&
  !(typeof schema.maximum === 'number' && schema.maximum <= MAX_SAFE);

/** A JavaScript literal of `value` in the style of the README (unquoted keys, single quotes). */
function tsLiteral(value, wide = () => false) {
  if (Array.isArray(value)) return `[${value.map((item) => tsLiteral(item)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(([key, v]) => {
      const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`;
      return `${name}: ${wide(key) && typeof v === 'number' ? `'${v}'` : tsLiteral(v)}`;
    });
    return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`;
  }
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(value);
}

/** `head(body);` on one line when it fits the docs' sample panel (about 60 columns), else one member a line. */
function call(head, value, wide) {
  const line = `${head}(${tsLiteral(value, wide)});`;
  const entries = Object.entries(value);
  if (line.length <= 60 || entries.length === 0) return line;
  const members = entries.map(([key, v]) => {
    const member = `  ${tsLiteral({ [key]: v }, wide).slice(2, -2)},`;
    if (member.length <= 60 || !Array.isArray(v)) return member;
    return `  ${key}: [\n${v.map((item) => `    ${tsLiteral(item)},`).join('\n')}\n  ],`;
  });
  return `${head}({\n${members.join('\n')}\n});`;
}

/** x-codeSamples for an operation, made from its first request example. */
export function codeSamples(document, path, operation) {
  const media = operation.requestBody.content['application/json'];
  const [name, first] = Object.entries(media.examples)[0];
  const value = resolveRef(document, first).value;
  const schema = resolveRef(document, media.schema);
  const wide = (key) => isWideInteger(resolveRef(document, schema.properties?.[key]));
  const { default: host, 'x-regions': regions } = document.servers[0].variables.host;
  const query = `sdkappid=${PLACEHOLDERS.sdkappid}&identifier=${PLACEHOLDERS.identifier}&usersig=${PLACEHOLDERS.usersig}&random=$RANDOM&contenttype=json`;
  const singapore = regions.singapore?.host ?? host;
  const curl =
    `# The "${name}" example. Set SDKAPPID, IDENTIFIER (an app admin),\n` +
    `# TIM_SECRET_KEY, and TIM_HOST: your region's host from Regions\n` +
    `# (${host} for China, ${singapore} for Singapore, …).\n` +
    `TIM_HOST=\${TIM_HOST:-${host}}\n` +
    '# A UserSig valid for one day, signed by the package (the key is not sent):\n' +
    `USERSIG=$(node -e "import('tim-rest-client').then(async (m) => console.log(await m.genUserSig({ sdkAppId: +process.env.SDKAPPID, identifier: process.env.IDENTIFIER, secretKey: process.env.TIM_SECRET_KEY, expireSeconds: 86400 })))")\n` +
    '# $RANDOM is a new random number per call.\n' +
    `curl -X POST "https://$TIM_HOST${path}?${query}" \\\n` +
    `  -H 'Content-Type: application/json' \\\n` +
    `  -d '${JSON.stringify(value).replace(/'/g, "'\\''")}'`;
  const ts =
    "import { createChatClient } from 'tim-rest-client';\n\n" +
    'const chat = createChatClient({\n' +
    '  sdkAppId: 1400000000,\n' +
    "  identifier: 'administrator',\n" +
    '  secretKey: process.env.TIM_SECRET_KEY!,\n' +
    '});\n\n' +
    `// The "${name}" example\n` +
    call(`const reply = await chat.${operation.operationId}`, value, wide);
  return [
    { lang: 'Shell', label: 'curl', source: curl },
    { lang: 'TypeScript', label: 'TypeScript', source: ts },
  ];
}

/** Inlines each reply example of the operation and names the `Prefer` header that makes the mock answer with it. */
function preferKeys(document, operation) {
  for (const response of Object.values(operation.responses)) {
    for (const media of Object.values(response.content ?? {})) {
      for (const [key, example] of Object.entries(media.examples ?? {})) {
        const resolved = resolveRef(document, example);
        media.examples[key] = {
          summary: resolved.summary,
          description: `The mock answers with this example for \`Prefer: example=${key}\`.`,
          value: structuredClone(resolved.value),
        };
      }
    }
  }
}

/** Drops component examples that nothing references any more (the reply examples are inlined per operation). */
function dropUnusedExamples(document) {
  const text = JSON.stringify([document.paths, document.webhooks]);
  for (const name of Object.keys(document.components.examples ?? {})) {
    if (!text.includes(`"#/components/examples/${name}"`)) delete document.components.examples[name];
  }
}

function decorate(document, version) {
  const codes = document['x-error-codes'];
  const hostVariable = document.servers[0].variables.host;
  const regions = hostVariable['x-regions'];
  hostVariable.enum = Object.values(regions).flatMap((r) => (r.backupHost ? [r.host, r.backupHost] : [r.host]));
  const methods = listOperations(document).map(({ operation }) => `| \`${operation.operationId}\` | ${operation.summary} |`);
  document.info.version = version;
  document.info.description = document.info.description
    .replace(
      '<!-- generated: regions -->',
      '# Regions\n\nSend each call to the host of the region where the app was created; a call sent to another ' +
        "region's host fails. The TypeScript client's `region` option takes the names of the first column.\n\n" +
        regionTable(regions, hostVariable.default) +
        "\n\nThe vendor gives a backup host for when the primary host's DNS is hijacked (for example by an ISP). " +
        "`host: 'backup'` sends every call there; `failover: true` sends the retry of a call whose connection failed " +
        'to the other host of the region, for the operations marked idempotent (all four).',
    )
    .replace('<!-- generated: methods -->', ['| Method | Operation |', '| --- | --- |', ...methods].join('\n'));
  document.tags.push(errorCodesTag(codes));
  for (const { path, operation } of listOperations(document)) {
    const limit = operation['x-rate-limit'];
    const own = codes.filter((c) => c.operations?.includes(operation.operationId));
    operation.description +=
      `\n\n**Rate limit:** ${limit ? `${limit.requestsPerSecond} ${limit.requestsPerSecond === 1 ? 'call' : 'calls'} per second` : 'not stated by the vendor'}.` +
      `\n\n**Error codes of this operation** (and the public codes 60000–79999, see [Error codes](${ERROR_CODES_ROUTE})):\n\n` +
      codeTable(own) +
      '\n';
    operation['x-codeSamples'] = codeSamples(document, path, operation);
    preferKeys(document, operation);
  }
  dropUnusedExamples(document);
  return document;
}

/**
 * The document Prism serves: 64-bit integers a double cannot hold lose `format: int64`, which Prism enforces as
 * "at most 2^53 − 1" and would answer 422 to valid cursors; their minimum and maximum stay.
 */
export function mockDocument(document) {
  const copy = structuredClone(document);
  const visit = (node) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      if (isWideInteger(node)) delete node.format;
      Object.values(node).forEach(visit);
    }
  };
  visit(copy.components.schemas);
  copy.info.description =
    'The document the mock serves: the published one, with no 64-bit integer a double cannot hold declared ' +
    '`format: int64`, so that the mock accepts every unsigned 64-bit cursor.\n\n' +
    copy.info.description;
  return copy;
}

/** The bundled, decorated document as a plain object. */
export async function buildBundle() {
  const config = await loadConfig({ configPath: `${root}redocly.yaml` });
  const result = await bundle({ ref: `${root}openapi/openapi.yaml`, config });
  const problems = result.problems.filter((p) => p.severity === 'error');
  if (problems.length > 0) {
    throw new Error(`bundle failed: ${problems.map((p) => p.message).join('; ')}`);
  }
  const { version } = JSON.parse(await readFile(`${root}package.json`, 'utf8'));
  return decorate(structuredClone(result.bundle.parsed), version);
}

/**
 * The parsers hold 18446744073709551615 (an unsigned 64-bit maximum) as the double 2^64; written back it would read
 * 18446744073709552000. A `maximum` of an int64 schema equal to that double is written with its exact digits.
 */
function exactIntegers(document) {
  const copy = structuredClone(document);
  const visit = (node) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      if (node.type === 'integer' && node.maximum === UINT64_MAX_AS_DOUBLE) node.maximum = UINT64_MAX;
      Object.values(node).forEach(visit);
    }
  };
  visit(copy);
  return copy;
}

const BIG = '__exact_integer__:';
function toJson(document) {
  const text = JSON.stringify(document, (_key, value) => (typeof value === 'bigint' ? `${BIG}${value}` : value), 2);
  return `${text.replace(new RegExp(`"${BIG}(\\d+)"`, 'g'), '$1')}\n`;
}

export function serializeBundle(document) {
  const exact = exactIntegers(document);
  const options = { lineWidth: 0, aliasDuplicateObjects: false };
  return {
    yaml: stringify(exact, options),
    json: toJson(exact),
    mockYaml: stringify(exactIntegers(mockDocument(document)), options),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = serializeBundle(await buildBundle());
  await mkdir(`${root}generated`, { recursive: true });
  await writeFile(bundlePaths.yaml, out.yaml);
  await writeFile(bundlePaths.json, out.json);
  await writeFile(bundlePaths.mockYaml, out.mockYaml);
  console.log(`bundled into ${bundlePaths.yaml}, ${bundlePaths.json} and ${bundlePaths.mockYaml}`);
}
