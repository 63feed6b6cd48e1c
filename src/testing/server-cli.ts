#!/usr/bin/env node
/// <reference types="node" />
// `tim-rest-fake`: the fake vendor as its own process, for the bench and for tests in other languages. Prints one
// readiness line, `tim-rest-fake listening on http://127.0.0.1:PORT (sdkappid N, identifier ID, secret key KEY)` — the
// app a client in another process signs for — then serves until SIGTERM or SIGINT (or until
// its parent process goes away). Counters: `GET /__fake/stats`; reset: `POST /__fake/reset`; faults:
// `POST /__fake/faults` with `{"operation":"getAppGroups","fault":60007,"times":2}`.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import type { OperationId } from '../../generated/api-facts.js';
import { startFakeVendorServer } from './server.js';
import { generateDataset } from './generate.js';
import type { FakeDataset } from './dataset.js';
import { FAKE_APP } from './vendor.js';

export const USAGE = `Usage: tim-rest-fake [options]
  --port N            port to listen on (default 0: any free port)
  --host H            address to listen on (default 127.0.0.1)
  --rtt MS            simulated round trip (default 0)
  --jitter MS         extra random delay per direction, 0–MS (default 0)
  --handshake MS      extra delay of the first request on a new connection (default: --rtt)
  --rate-limit L      calls/s for every operation, "false" for none, or op=N,op=N (default: the document's)
  --dataset FILE      a JSON dataset (see FakeDataset); otherwise one is generated:
  --groups N --friends N --strangers N --conversations N --seed N
  --sdkappid N --identifier ID --secret-key KEY   the app clients sign for (default: sdkappid ${FAKE_APP.sdkAppId},
                      identifier ${FAKE_APP.identifier}, secret key ${FAKE_APP.secretKey})
  --record            keep every call in memory (off by default)`;

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`--${name} must be a number ≥ 0 (got ${text})`);
  return value;
}

function rateLimit(text: string | undefined): false | number | Partial<Record<OperationId, number | null>> | undefined {
  if (text === undefined) return undefined;
  if (text === 'false' || text === 'off') return false;
  if (/^\d+$/.test(text)) return Number(text);
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const [op, n] = pair.split('=');
      if (!op || n === undefined) throw new TypeError(`--rate-limit: expected op=N, got ${pair}`);
      return [op, n === 'null' ? null : Number(n)];
    }),
  ) as Partial<Record<OperationId, number | null>>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' }, host: { type: 'string' }, rtt: { type: 'string' }, jitter: { type: 'string' },
      handshake: { type: 'string' }, 'rate-limit': { type: 'string' }, dataset: { type: 'string' },
      groups: { type: 'string' }, friends: { type: 'string' }, strangers: { type: 'string' },
      conversations: { type: 'string' }, seed: { type: 'string' }, sdkappid: { type: 'string' },
      identifier: { type: 'string' }, 'secret-key': { type: 'string' }, record: { type: 'boolean' }, help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const dataset: FakeDataset = values.dataset
    ? (JSON.parse(readFileSync(values.dataset, 'utf8')) as FakeDataset)
    : generateDataset({
        ...(values.groups !== undefined ? { groups: integer('groups', values.groups) } : {}),
        ...(values.friends !== undefined ? { friends: integer('friends', values.friends) } : {}),
        ...(values.strangers !== undefined ? { strangers: integer('strangers', values.strangers) } : {}),
        ...(values.conversations !== undefined ? { conversations: integer('conversations', values.conversations) } : {}),
        ...(values.seed !== undefined ? { seed: integer('seed', values.seed) } : {}),
      });
  const rtt = integer('rtt', values.rtt);
  const limits = rateLimit(values['rate-limit']);
  const server = await startFakeVendorServer({
    dataset,
    port: integer('port', values.port) ?? 0,
    ...(values.host ? { host: values.host } : {}),
    ...(rtt !== undefined ? { latency: { rttMs: rtt, jitterMs: integer('jitter', values.jitter) ?? 0 } } : {}),
    ...(values.handshake !== undefined ? { handshakeMs: integer('handshake', values.handshake) } : {}),
    ...(limits !== undefined ? { rateLimit: limits } : {}),
    ...(values.sdkappid !== undefined ? { sdkAppId: integer('sdkappid', values.sdkappid) } : {}),
    ...(values.identifier !== undefined ? { identifier: values.identifier } : {}),
    ...(values['secret-key'] !== undefined ? { secretKey: values['secret-key'] } : {}),
    recordCalls: values.record ?? false,
  });
  const app = server.vendor.credentials;
  console.log(`tim-rest-fake listening on ${server.url} (sdkappid ${app.sdkAppId}, identifier ${app.identifier}, secret key ${app.secretKey})`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // A parent killed without cleaning up (kill -9) must not leave the fake listening.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 500).unref();
}

main().catch((error: unknown) => {
  console.error(`tim-rest-fake: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
});
