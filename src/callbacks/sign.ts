// The callback signature of the vendor's "Security Considerations" (see openapi/NOTES.md): with webhook authentication
// on, the Chat backend adds `RequestTime` (Unix seconds) and `Sign` = lowercase hex SHA-256 of the token followed by
// RequestTime's decimal text. WebCrypto only, so it runs on Node, Deno, Bun and workerd alike.
const encoder = new TextEncoder();

/** `sha256(token + requestTime)` as lowercase hex, the value the vendor sends as `Sign`. */
export async function callbackSign(token: string, requestTime: number | string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`${token}${String(requestTime)}`));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * Compares two strings in time that depends on their length only, not on where they first differ, so a sender
 * cannot find a valid `Sign` a character at a time by timing the answers. The lengths are not secret (always 64).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
