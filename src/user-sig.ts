/**
 * Tencent Cloud Chat UserSig (TLSSigAPIv2, without userbuf): generation and verification.
 *
 * Portable by construction: WebCrypto HMAC-SHA256, CompressionStream('deflate') (zlib format, like the
 * official signers), TextEncoder/TextDecoder and btoa/atob, so it runs on Node 20, Deno, Bun and edge
 * runtimes. Output is byte-for-byte identical to the official `tls-sig-api-v2` Node package whenever the
 * runtime's deflate is zlib with default settings (Node, Bun).
 */

export interface GenUserSigOptions {
  sdkAppId: number;
  identifier: string;
  secretKey: string;
  /** Lifetime in seconds. */
  expireSeconds: number;
  /** Unix time in seconds; defaults to now. */
  issuedAt?: number;
}

export interface VerifyUserSigOptions {
  sdkAppId: number;
  identifier: string;
  secretKey: string;
  /** Unix time in seconds; defaults to now. */
  now?: number;
}

export type VerifyUserSigFailure = 'malformed' | 'wrong app' | 'wrong identifier' | 'bad signature' | 'expired';

/**
 * `expiresAt` (seconds) = TLS.time + TLS.expire and is exclusive: the signature is valid while
 * `now < expiresAt`. (The official Java verifier accepts `now == expiresAt` as well; the one-second
 * difference is deliberate so that `expiresAt` means what it says.)
 */
export type VerifyUserSigResult = { ok: true; expiresAt: number } | { ok: false; reason: VerifyUserSigFailure };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

// A real UserSig is a few hundred characters; the limits only stop hostile input (e.g. a deflate bomb)
// from costing memory before it is rejected.
const MAX_USERSIG_LENGTH = 16 * 1024;
const MAX_DOCUMENT_BYTES = 64 * 1024;
const HMAC_SHA256_BYTES = 32;

export async function genUserSig(options: GenUserSigOptions): Promise<string> {
  const where = 'genUserSig';
  const { sdkAppId, identifier, secretKey, expireSeconds } = options;
  checkSdkAppId(where, sdkAppId);
  checkNonEmptyString(where, 'identifier', identifier);
  checkSecretKey(where, secretKey);
  checkInteger(where, 'expireSeconds', expireSeconds, 1);
  const time = options.issuedAt ?? nowSeconds();
  checkInteger(where, 'issuedAt', time, 0);

  const content = contentToSign(identifier, sdkAppId, time, expireSeconds);
  const sig = nodeSync ? nodeSync.hmacSha256Base64(secretKey, content) : await webHmacSha256Base64(secretKey, content);
  // Field order matches tls-sig-api-v2 exactly (note: time before expire); JSON.stringify keeps insertion order.
  const json = JSON.stringify({
    'TLS.ver': '2.0',
    'TLS.identifier': identifier,
    'TLS.sdkappid': sdkAppId,
    'TLS.time': time,
    'TLS.expire': expireSeconds,
    'TLS.sig': sig,
  });
  const compressed = nodeSync ? nodeSync.deflateBase64(json) : bytesToBase64(await pipe(encoder.encode(json), new CompressionStream('deflate')));
  return compressed.replace(/[+/=]/g, (c) => (c === '+' ? '*' : c === '/' ? '-' : '_'));
}

export async function verifyUserSig(userSig: string, options: VerifyUserSigOptions): Promise<VerifyUserSigResult> {
  const where = 'verifyUserSig';
  const { sdkAppId, identifier, secretKey } = options;
  checkSdkAppId(where, sdkAppId);
  checkNonEmptyString(where, 'identifier', identifier);
  checkSecretKey(where, secretKey);
  const now = options.now ?? nowSeconds();
  checkInteger(where, 'now', now, 0);

  const doc = await decodeDocument(userSig);
  if (!doc) return { ok: false, reason: 'malformed' };
  if (doc.sdkAppId !== sdkAppId) return { ok: false, reason: 'wrong app' };
  if (doc.identifier !== identifier) return { ok: false, reason: 'wrong identifier' };

  // subtle.verify compares the MAC in constant time, so the check leaks nothing about the expected value.
  const content = encoder.encode(contentToSign(doc.identifier, doc.sdkAppId, doc.time, doc.expire));
  const valid = await crypto.subtle.verify('HMAC', await hmacKey(secretKey), doc.sig, content);
  if (!valid) return { ok: false, reason: 'bad signature' };

  const expiresAt = doc.time + doc.expire;
  if (now >= expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt };
}

function contentToSign(identifier: string, sdkAppId: number, time: number, expire: number): string {
  return `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
}

interface SigDocument {
  identifier: string;
  sdkAppId: number;
  time: number;
  expire: number;
  sig: Uint8Array<ArrayBuffer>;
}

/** Returns undefined for anything that is not a well-formed v2 UserSig; never throws. */
async function decodeDocument(userSig: unknown): Promise<SigDocument | undefined> {
  if (typeof userSig !== 'string' || userSig.length === 0 || userSig.length > MAX_USERSIG_LENGTH) return undefined;
  try {
    const compressed = base64ToBytes(userSig.replace(/[*\-_]/g, (c) => (c === '*' ? '+' : c === '-' ? '/' : '=')));
    const json = decoder.decode(await pipe(compressed, new DecompressionStream('deflate'), MAX_DOCUMENT_BYTES));
    const doc: unknown = JSON.parse(json);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
    const fields = doc as Record<string, unknown>;
    const { 'TLS.ver': ver, 'TLS.identifier': identifier, 'TLS.sdkappid': sdkAppId } = fields;
    const { 'TLS.time': time, 'TLS.expire': expire, 'TLS.sig': sigText } = fields;
    if (ver !== '2.0' || typeof identifier !== 'string' || typeof sigText !== 'string') return undefined;
    if (!isSafeInteger(sdkAppId) || !isSafeInteger(time) || !isSafeInteger(expire)) return undefined;
    const sig = base64ToBytes(sigText);
    // atob is forgiving (whitespace, missing padding, stray low bits); insisting on the canonical form
    // stops one signature from having many accepted spellings.
    if (sig.length !== HMAC_SHA256_BYTES || bytesToBase64(sig) !== sigText) return undefined;
    return { identifier, sdkAppId, time, expire, sig };
  } catch {
    return undefined;
  }
}

/** Pushes bytes through a (de)compression stream, stopping once the output exceeds maxBytes. */
async function pipe(input: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream, maxBytes = Infinity): Promise<Uint8Array<ArrayBuffer>> {
  const writer = stream.writable.getWriter();
  // Failures (corrupt input) also reject these promises, but they are reported through the reader below;
  // the catches only keep them from surfacing as unhandled rejections.
  writer.write(input).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new RangeError('inflated document too large');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

// Importing the key is a noticeable part of each signature, and callers almost always reuse one or two
// secrets. Promises are cached so concurrent first calls share a single import. Small and bounded: the
// oldest entry is evicted, and a hit moves its entry to the newest position.
const MAX_CACHED_KEYS = 8;
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secretKey: string): Promise<CryptoKey> {
  let key = keyCache.get(secretKey);
  if (key) {
    keyCache.delete(secretKey);
  } else {
    key = crypto.subtle.importKey('raw', encoder.encode(secretKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    key.catch(() => keyCache.delete(secretKey));
    if (keyCache.size >= MAX_CACHED_KEYS) keyCache.delete(keyCache.keys().next().value as string);
  }
  keyCache.set(secretKey, key);
  return key;
}

async function webHmacSha256Base64(secretKey: string, content: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secretKey), encoder.encode(content));
  return bytesToBase64(new Uint8Array(mac));
}

/**
 * Optional fast path for genUserSig. On Node 20 a WebCrypto HMAC alone (~50 µs, thread-pool round trip)
 * costs twice the official signer's whole signature (~22 µs), and CompressionStream adds ~150 µs of
 * web-stream plumbing, so the portable path cannot match tls-sig-api-v2's speed. Where the runtime exposes
 * `process.getBuiltinModule` (Node >= 20.16, Bun, Deno), we use the same synchronous zlib/HMAC the
 * official package uses. This is feature detection, not an import, so the module still loads everywhere
 * else and falls back to the portable path. Output is identical either way (the tests check both).
 */
interface NodeSync {
  hmacSha256Base64(secretKey: string, content: string): string;
  deflateBase64(text: string): string;
}

interface NodeCryptoSubset {
  createHmac(algorithm: 'sha256', key: string): { update(data: string): { digest(encoding: 'base64'): string } };
}

interface NodeZlibSubset {
  deflateSync(data: string): { toString(encoding: 'base64'): string };
}

const nodeSync: NodeSync | undefined = loadNodeSync();

function loadNodeSync(): NodeSync | undefined {
  // Cast through unknown: on edge runtimes `process` does not exist, whatever @types/node claims.
  const proc = (globalThis as unknown as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  try {
    const nodeCrypto = proc.getBuiltinModule('crypto') as Partial<NodeCryptoSubset> | undefined;
    const zlib = proc.getBuiltinModule('zlib') as Partial<NodeZlibSubset> | undefined;
    const { createHmac } = nodeCrypto ?? {};
    const { deflateSync } = zlib ?? {};
    if (typeof createHmac !== 'function' || typeof deflateSync !== 'function') return undefined;
    return {
      hmacSha256Base64: (secretKey, content) => createHmac('sha256', secretKey).update(content).digest('base64'),
      deflateBase64: (text) => deflateSync(text).toString('base64'),
    };
  } catch {
    return undefined;
  }
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function isSafeInteger(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

function checkSdkAppId(where: string, value: unknown): void {
  checkInteger(where, 'sdkAppId', value, 1);
}

function checkInteger(where: string, field: string, value: unknown, min: 0 | 1): void {
  if (!isSafeInteger(value) || value < min) {
    const rule = min === 1 ? 'a positive integer' : 'a non-negative integer';
    throw new TypeError(`${where}: ${field} must be ${rule} (got ${describe(value)})`);
  }
}

function checkNonEmptyString(where: string, field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${where}: ${field} must be a non-empty string (got ${describe(value)})`);
  }
}

function checkSecretKey(where: string, value: unknown): void {
  // Deliberately says nothing about the value itself: the message must never carry key material.
  if (typeof value !== 'string' || value.length === 0) {
    const got = typeof value === 'string' ? 'an empty string' : typeof value;
    throw new TypeError(`${where}: secretKey must be a non-empty string (got ${got})`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : `string ${JSON.stringify(value.slice(0, 64))}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return value === null ? 'null' : typeof value;
}
