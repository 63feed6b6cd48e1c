// The openapi-fetch middleware that adds the five query parameters to requests made through `client.api`.
import type { Middleware } from 'openapi-fetch';

export function authMiddleware(query: () => Promise<string>): Middleware {
  return {
    async onRequest({ request }) {
      const url = new URL(request.url);
      url.search = await query();
      return new Request(url, request);
    },
  };
}
