// The benchmark's stand-in for the TIM REST API: a keep-alive node:http server on 127.0.0.1, run in its own process
// (forked by bench/run.ts) so its work never shares the client's event loop or heap. Replies are canned or cheap to
// build, so the figures measure the client. It reports its port over IPC, and answers {type: 'stats'} with counters.
//
// Routes (everything is POST with the five auth query parameters; a call without usersig= gets HTTP 401):
//   /v4/sns/group_get                               the canned 200 envelope the round-trip scenario uses
//   /v4/group_open_http_svc/get_appid_group_list    PAGES pages of PAGE_SIZE group ids; Next is an offset, last page 0
//   /v4/sns/friend_get_list                         one InfoItem per requested To_Account, in request order
import http from 'node:http';

const pageSize = Number(process.env.BENCH_PAGE_SIZE ?? 10_000);
const pageCount = Number(process.env.BENCH_PAGES ?? 100);
const total = pageSize * pageCount;

const cannedEnvelope = Buffer.from('{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[],"CurrentSequence":1}');

// Every page is built once, up front: serving it is a buffer write.
const pages = new Map();
for (let page = 0; page < pageCount; page++) {
  const start = page * pageSize;
  const ids = [];
  for (let n = start; n < start + pageSize; n++) ids.push(`{"GroupId":"@TGS#${n}"}`);
  const next = page === pageCount - 1 ? 0 : start + pageSize;
  pages.set(start, Buffer.from(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","TotalCount":${total},"GroupIdList":[${ids.join(',')}],"Next":${next}}`));
}

const stats = { requests: 0, chunkedBodies: 0, connections: 0, byPath: {} };

function reply(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.end(body);
}

function readBody(req, done) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
}

const server = http.createServer({ keepAlive: true, keepAliveTimeout: 60_000, requestTimeout: 0 }, (req, res) => {
  stats.requests += 1;
  // A body of unknown length (a stream handed to fetch) arrives with chunked transfer encoding.
  if (req.headers['transfer-encoding'] === 'chunked') stats.chunkedBodies += 1;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
  if (req.method !== 'POST' || q === -1 || !url.includes('usersig=') || !url.includes('contenttype=json')) {
    req.resume();
    return reply(res, 401, Buffer.from('{"error":"missing auth query"}'));
  }
  switch (path) {
    case '/v4/sns/group_get':
      req.resume();
      req.on('end', () => reply(res, 200, cannedEnvelope));
      return;
    case '/v4/group_open_http_svc/get_appid_group_list':
      return readBody(req, (text) => {
        const body = JSON.parse(text);
        const page = pages.get(body.Next ?? 0);
        if (body.Limit !== pageSize || !page) return reply(res, 400, Buffer.from(`{"error":"bad page request ${text}"}`));
        reply(res, 200, page);
      });
    case '/v4/sns/friend_get_list':
      return readBody(req, (text) => {
        const body = JSON.parse(text);
        const InfoItem = body.To_Account.map((account) => ({ To_Account: account, ResultCode: 0, ResultInfo: '' }));
        reply(res, 200, Buffer.from(JSON.stringify({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', InfoItem, Fail_Account: [] })));
      });
    default:
      req.resume();
      return reply(res, 404, Buffer.from('{"error":"no such path"}'));
  }
});
server.on('connection', () => {
  stats.connections += 1;
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: server.address().port, total, pageSize, pageCount });
});
process.on('message', (message) => {
  if (message?.type === 'stats') process.send?.({ type: 'stats', stats });
  if (message?.type === 'reset') {
    stats.requests = 0;
    stats.chunkedBodies = 0;
    stats.connections = 0;
    stats.byPath = {};
  }
});
// The parent's end is the server's end, whatever way the parent goes.
process.on('disconnect', () => process.exit(0));
