/// <reference types="node" />
// The fake vendor behind a loopback HTTP server, for tests in other processes or languages and for the bench: the
// same answers as the in-memory fetch, plus what only a network has — connections. The first request on a new
// connection pays an extra handshake delay (TCP + TLS round trips the loopback does not have), and the server counts
// connections and open sockets. Control endpoints under /__fake/ give the counters, reset them and script faults.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { OperationId } from '../../generated/api-facts.js';
import { createFakeVendor, type FakeVendor, type FakeVendorOptions } from './vendor.js';
import type { FakeVendorStats } from './stats.js';
import type { Fault } from './faults.js';

export interface FakeVendorServerOptions extends FakeVendorOptions {
  /** Serve this fake instead of creating one from the other options. */
  vendor?: FakeVendor;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** Extra delay of the first request on each new connection, in ms (default one round trip, `latency.rttMs`). */
  handshakeMs?: number;
}

export interface FakeVendorServerStats extends FakeVendorStats {
  /** Connections accepted since the start (or the last reset). */
  connections: number;
  openSockets: number;
  peakOpenSockets: number;
  /** Requests received and not yet answered. */
  inFlight: number;
  peakInFlight: number;
}

export interface FakeVendorServer {
  /** `http://127.0.0.1:PORT`, for the client's `baseUrl`. */
  readonly url: string;
  readonly port: number;
  readonly vendor: FakeVendor;
  stats(): FakeVendorServerStats;
  /** Resets the counters (peaks start again from the sockets open now) and forgets recorded calls and faults. */
  resetStats(): void;
  /** Destroys every connection and stops listening; safe to call twice. */
  close(): Promise<void>;
}

/** Paths of the control endpoints; everything else is answered as the vendor would. */
export const CONTROL_PATHS = { stats: '/__fake/stats', reset: '/__fake/reset', faults: '/__fake/faults' } as const;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The request target as a URL, or undefined when it is neither a path nor an absolute URL (`GET http:// HTTP/1.1`). */
function targetOf(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://fake');
  } catch {
    return undefined;
  }
}

/** The body of a fault request: `{ operation?, fault, times? }`, or what is wrong with it. */
function faultRequest(text: string): { operation: OperationId | '*'; fault: Fault; times: number } | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `the body must be JSON like {"operation":"getAppGroups","fault":60007,"times":2} (got ${JSON.stringify(text.slice(0, 200))})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `the body must be a JSON object { operation, fault, times } (got ${JSON.stringify(value)})`;
  const { operation, fault, times } = value as Record<string, unknown>;
  if (!('fault' in value)) return 'the body has no fault';
  return { operation: (operation ?? '*') as OperationId | '*', fault: fault as Fault, times: (times ?? 1) as number };
}

export async function startFakeVendorServer(options: FakeVendorServerOptions = {}): Promise<FakeVendorServer> {
  const vendor = options.vendor ?? createFakeVendor(options);
  const handshakeMs = options.handshakeMs ?? options.latency?.rttMs ?? 0;
  const sockets = new Set<Socket>();
  const used = new WeakSet<Socket>();
  let connections = 0;
  let peakOpenSockets = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  let closing: Promise<void> | undefined;

  const stats = (): FakeVendorServerStats => ({ ...vendor.stats(), connections, openSockets: sockets.size, peakOpenSockets, inFlight, peakInFlight });

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === CONTROL_PATHS.stats && req.method === 'GET') return sendJson(res, 200, stats());
    if (path === CONTROL_PATHS.reset && req.method === 'POST') {
      resetStats();
      return sendJson(res, 200, { ok: true });
    }
    if (path === CONTROL_PATHS.faults && req.method === 'POST') {
      const request = faultRequest(await readBody(req));
      if (typeof request === 'string') return sendJson(res, 400, { ok: false, error: `${CONTROL_PATHS.faults}: ${request}` });
      try {
        // inject checks the operation, the fault and times, naming the field that is wrong.
        vendor.inject(request.operation, request.fault, request.times);
      } catch (error) {
        return sendJson(res, 400, { ok: false, error: `${CONTROL_PATHS.faults}: ${error instanceof Error ? error.message : String(error)}` });
      }
      return sendJson(res, 200, { ok: true, pendingFaults: vendor.pendingFaults });
    }
    return sendJson(res, 404, { ok: false, error: `no control endpoint ${req.method ?? ''} ${path}` });
  }

  function resetStats(): void {
    vendor.reset();
    connections = 0;
    peakOpenSockets = sockets.size;
    peakInFlight = inFlight;
  }

  // Nothing a client sends may stop the server: whatever fails while answering becomes that request's own error reply.
  const failed = (res: ServerResponse, error: unknown): void => {
    if (!res.headersSent && !res.destroyed) sendJson(res, 500, { ok: false, error: `the fake vendor could not answer: ${error instanceof Error ? error.message : String(error)}` });
    else res.destroy();
  };

  const server = createServer((req, res) => {
    const url = targetOf(req);
    if (!url) {
      req.resume();
      sendJson(res, 400, { ok: false, error: `the request target ${JSON.stringify(req.url)} is neither a path nor an absolute URL` });
      return;
    }
    if (url.pathname.startsWith('/__fake/')) {
      control(req, res, url.pathname).catch((error: unknown) => failed(res, error));
      return;
    }
    const socket = req.socket;
    const first = !used.has(socket);
    used.add(socket);
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    let finished = false;
    const done = (): void => {
      if (!finished) {
        finished = true;
        inFlight -= 1;
      }
    };
    // A client that gives up closes the connection: stop waiting for it.
    const gone = new AbortController();
    res.on('close', () => {
      done();
      gone.abort();
    });
    readBody(req)
      .then((body) => vendor.handle({ method: req.method ?? '', path: url.pathname, query: url.searchParams, body, signal: gone.signal, extraDelayMs: first ? handshakeMs : 0 }))
      .then(
        (outcome) => {
          if (res.destroyed) return;
          if (outcome.kind === 'reply') {
            const body = Buffer.from(outcome.body, 'utf8');
            res.writeHead(outcome.status, { ...outcome.headers, 'content-length': body.length });
            res.end(body, done);
          } else if (outcome.kind === 'reset') {
            done();
            socket.destroy();
          }
          // 'hang': nothing is sent until the client gives up or the server closes.
        },
        () => {
          // The client went away while the fake was delaying; nothing to answer.
          done();
        },
      )
      .catch((error: unknown) => {
        done();
        failed(res, error);
      });
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    peakOpenSockets = Math.max(peakOpenSockets, sockets.size);
    socket.on('close', () => sockets.delete(socket));
  });
  // The client decides when a hang ends; the server has no time limits of its own.
  server.requestTimeout = 0;
  server.headersTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    port,
    vendor,
    stats,
    resetStats,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
