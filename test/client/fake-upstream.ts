// A local stand-in for the TIM REST host: a node:http server on 127.0.0.1, port 0, that records every request and
// answers each one as the current test's handler says: any status and body, or misbehaviour (hang, reset, truncated
// or empty bodies, an HTML gateway page). `close()` destroys every connection, so no socket or timer is left behind.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  /** 0-based arrival order. */
  index: number;
  method: string;
  /** The path without the query string. */
  path: string;
  /** The query parameters, decoded (last value wins). */
  query: Record<string, string>;
  /** The query string as sent, without the leading `?`. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  rawBody: string;
  /** `Date.now()` when the request line and headers arrived (fake time when the test fakes Date). */
  startedAt: number;
  /** The body parsed with JSON.parse (numbers beyond 2^53 lose digits here: compare `rawBody` for those). */
  json(): unknown;
}

/** What the server does with one request. */
export type Reply =
  | { kind: 'send'; status: number; headers: Record<string, string>; body: string }
  /** Never answers; the connection stays open until the client gives up or the server closes. */
  | { kind: 'hang' }
  /** Sends the status line and headers, then never the body. */
  | { kind: 'hangAfterHeaders' }
  /** Destroys the socket without answering. */
  | { kind: 'reset' }
  /** Announces a Content-Length, sends part of the body, then destroys the socket. */
  | { kind: 'cut'; partialBody: string; declaredLength: number }
  /** HTTP 200 without Content-Length, then body bytes for as long as the client keeps reading. */
  | { kind: 'endless' };

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

const JSON_TYPE = 'application/json; charset=utf-8';

/** Ready-made replies. */
export const reply = {
  /** Any status with a JSON body (a string is sent as it is, so raw digits can be written). */
  json(body: unknown, status = 200): Reply {
    return { kind: 'send', status, headers: { 'content-type': JSON_TYPE }, body: typeof body === 'string' ? body : JSON.stringify(body) };
  },
  /** A success envelope with the given fields. */
  ok(fields: Record<string, unknown> = {}): Reply {
    return reply.json({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...fields });
  },
  /** A failure envelope, sent with HTTP 200 as the real server does. */
  fail(errorCode: number, errorInfo = `error ${errorCode}`, extra: Record<string, unknown> = {}): Reply {
    return reply.json({ ActionStatus: 'FAIL', ErrorCode: errorCode, ErrorInfo: errorInfo, ...extra });
  },
  raw(body: string, status = 200, contentType = JSON_TYPE): Reply {
    return { kind: 'send', status, headers: { 'content-type': contentType }, body };
  },
  /** A gateway's HTML error page. */
  html(status = 502, inner = 'Bad Gateway'): Reply {
    const body = `<!DOCTYPE html>\n<html><head><title>${status} ${inner}</title><style>body{font-family:sans-serif}</style></head>\n<body><center><h1>${status} ${inner}</h1></center><hr><center>nginx</center>\n${'<!-- padding -->\n'.repeat(40)}</body></html>\n`;
    return reply.raw(body, status, 'text/html');
  },
  /** HTTP 200 with Content-Length 0. */
  empty(status = 200): Reply {
    return { kind: 'send', status, headers: { 'content-type': JSON_TYPE }, body: '' };
  },
  /** A complete HTTP reply whose JSON body stops half-way. */
  truncatedJson(): Reply {
    return reply.raw('{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"GroupName":"fri');
  },
  hang(): Reply {
    return { kind: 'hang' };
  },
  hangAfterHeaders(): Reply {
    return { kind: 'hangAfterHeaders' };
  },
  reset(): Reply {
    return { kind: 'reset' };
  },
  cut(partialBody = '{"ActionStatus":"OK","Err', declaredLength = 200): Reply {
    return { kind: 'cut', partialBody, declaredLength };
  },
  endless(): Reply {
    return { kind: 'endless' };
  },
};

export interface FakeUpstream {
  /** `http://127.0.0.1:PORT`, for the client's `baseUrl`. */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Requests received and not yet answered (or reset). */
  readonly inFlight: number;
  /** The largest `inFlight` seen. */
  readonly maxInFlight: number;
  /** Body bytes written by `endless` replies so far. */
  readonly endlessBytes: number;
  /** Answers every later request with this handler. */
  handle(handler: Handler): void;
  /** Answers the next requests with these replies in turn; later ones get the last reply again. */
  replySequence(...replies: Reply[]): void;
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  /** Destroys every connection and stops listening; safe to call twice. */
  close(): Promise<void>;
}

export async function startFakeUpstream(initial: Handler = () => reply.ok()): Promise<FakeUpstream> {
  let handler = initial;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const waiters: { count: number; resolve: () => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let endlessBytes = 0;
  let closed: Promise<void> | undefined;

  const notify = (): void => {
    for (const waiter of [...waiters]) {
      if (requests.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  const answer = (res: ServerResponse, req: IncomingMessage, outcome: Reply, done: () => void): void => {
    switch (outcome.kind) {
      case 'send': {
        const body = Buffer.from(outcome.body, 'utf8');
        res.writeHead(outcome.status, { ...outcome.headers, 'content-length': String(body.length) });
        res.end(body, done);
        return;
      }
      case 'hang':
        return; // stays in flight until the client aborts or close() destroys the socket
      case 'hangAfterHeaders':
        res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': '100' });
        res.flushHeaders();
        return;
      case 'reset':
        done();
        req.socket.destroy();
        return;
      case 'endless': {
        res.writeHead(200, { 'content-type': JSON_TYPE });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        // Writes whenever the socket drains, until the client stops reading and the connection closes.
        const pump = (): void => {
          while (!res.destroyed && res.write(chunk)) endlessBytes += chunk.length;
          if (!res.destroyed) {
            endlessBytes += chunk.length;
            res.once('drain', pump);
          }
        };
        res.write('{"ActionStatus":"OK","ErrorCode":0,"Pad":"');
        pump();
        return;
      }
      case 'cut':
        res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': String(outcome.declaredLength) });
        res.write(outcome.partialBody, () => {
          done();
          req.socket.destroy();
        });
        return;
    }
  };

  const server = createServer((req, res) => {
    const startedAt = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        index: requests.length,
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        rawQuery: url.search.slice(1),
        headers: req.headers,
        rawBody,
        startedAt,
        json: () => JSON.parse(rawBody) as unknown,
      };
      requests.push(recorded);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let finished = false;
      const done = (): void => {
        if (finished) return;
        finished = true;
        inFlight -= 1;
      };
      // A client that gives up (timeout, abort) closes the connection: the request is no longer in flight.
      res.on('close', done);
      notify();
      Promise.resolve()
        .then(() => handler(recorded))
        .then(
          (outcome) => {
            if (!res.destroyed) answer(res, req, outcome, done);
          },
          (error: unknown) => {
            if (!res.destroyed) answer(res, req, reply.raw(`fake upstream handler failed: ${String(error)}`, 500, 'text/plain'), done);
          },
        );
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // No idle time limits on the fake's side: the client decides when a hang ends.
  server.requestTimeout = 0;
  server.headersTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get endlessBytes() {
      return endlessBytes;
    },
    handle(next) {
      handler = next;
    },
    replySequence(...replies) {
      if (replies.length === 0) throw new Error('replySequence needs at least one reply');
      let next = 0;
      handler = () => replies[Math.min(next++, replies.length - 1)] as Reply;
    },
    waitForRequests(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      return closed;
    },
  };
}
