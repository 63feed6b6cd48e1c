// A small adapter from node:http to the Fetch-API handler, for servers that do not speak Request/Response. Kept out
// of the edge path: it only imports node:http's types, and an edge runtime never loads it unless asked to.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface NodeListenerOptions {
  /** Largest body read, in bytes (default 1 MiB); a longer one is answered 413 without calling the handler. */
  maxBodyBytes?: number;
}

/** Wraps `(request: Request) => Promise<Response>` as a `node:http` request listener. */
export function toNodeListener(handler: (request: Request) => Promise<Response>, options: NodeListenerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  return (req, res) => {
    void (async () => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > maxBodyBytes) {
          res.writeHead(413, { 'content-type': 'text/plain' }).end(`body: longer than ${maxBodyBytes} bytes`);
          req.resume();
          return;
        }
        chunks.push(chunk);
      }
      const body = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.byteLength;
      }
      // The host only completes the URL; the handler reads the query, which is what the vendor signs.
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const method = req.method ?? 'GET';
      const request = new Request(url, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) });
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(new Uint8Array(await response.arrayBuffer()));
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('callback handler failed');
    });
  };
}
