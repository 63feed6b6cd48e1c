import { createRequire } from 'node:module';
import { deflateSync, inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { genUserSig, verifyUserSig } from '../src/user-sig.js';

type UserSigModule = typeof import('../src/user-sig.js');

interface OfficialApi {
  genUserSig(identifier: string, expire: number): string;
}
const require = createRequire(import.meta.url);
// The official package is untyped CommonJS.
const { Api: OfficialApi } = require('tls-sig-api-v2') as { Api: new (sdkAppId: number, key: string) => OfficialApi };

const VECTOR = {
  secretKey: '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e',
  sdkAppId: 1400000000,
  identifier: 'xiaojun',
  issuedAt: 1700000000,
  expireSeconds: 86400,
  sig: 'SNF4FmVCPucoXsBOpbVF3fFCf57JPm0ezZ1jeVILlVc=',
};

function decode(userSig: string): Record<string, unknown> {
  const base64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return JSON.parse(inflateSync(Buffer.from(base64, 'base64')).toString('utf8')) as Record<string, unknown>;
}

/** Re-encodes a document the way the official signer does, preserving key order. */
function encode(doc: Record<string, unknown> | string | Uint8Array): string {
  const raw = typeof doc === 'string' || doc instanceof Uint8Array ? doc : JSON.stringify(doc);
  return deflateSync(raw).toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

/** Official signer at a pinned clock: it only reads Date.now(), floored to seconds. */
function officialSig(sdkAppId: number, key: string, identifier: string, expire: number, issuedAt: number): string {
  const spy = vi.spyOn(Date, 'now').mockReturnValue(issuedAt * 1000 + 999);
  try {
    return new OfficialApi(sdkAppId, key).genUserSig(identifier, expire);
  } finally {
    spy.mockRestore();
  }
}

/** A fresh copy of the module that cannot see process.getBuiltinModule, i.e. the WebCrypto/CompressionStream path. */
async function loadPortableModule(): Promise<UserSigModule> {
  const descriptor = Object.getOwnPropertyDescriptor(process, 'getBuiltinModule');
  Object.defineProperty(process, 'getBuiltinModule', { value: undefined, configurable: true, writable: true });
  try {
    vi.resetModules();
    return await import('../src/user-sig.js');
  } finally {
    if (descriptor) Object.defineProperty(process, 'getBuiltinModule', descriptor);
    else delete (process as { getBuiltinModule?: unknown }).getBuiltinModule;
  }
}

// Deterministic PRNG so a failing random case can be reproduced.
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IDENTIFIER_ALPHABET = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-@.',
  ...'张三李四王五小军测试用户',
  '😀', '🚀', '👍🏽', '👨‍👩‍👧',
  'é', 'ß', 'Ω', ' ', '"', '\\', '/', '\n', '\u0001', '\u2028',
];
const KEY_ALPHABET = [...'0123456789abcdef', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&*+', 'ü', '密', '🔑'];

interface RandomCase {
  sdkAppId: number;
  secretKey: string;
  identifier: string;
  expireSeconds: number;
}

function randomCases(count: number, seed: number): RandomCase[] {
  const rand = mulberry32(seed);
  const int = (min: number, max: number): number => min + Math.floor(rand() * (max - min + 1));
  const pick = (alphabet: readonly string[], length: number): string =>
    Array.from({ length }, () => alphabet[int(0, alphabet.length - 1)]).join('');
  return Array.from({ length: count }, (_, i) => ({
    sdkAppId: i % 5 === 0 ? int(1, 99_999) : int(1_400_000_000, 1_699_999_999),
    secretKey: i % 3 === 0 ? pick(KEY_ALPHABET, int(1, 80)) : pick([...'0123456789abcdef'], 64),
    identifier: pick(IDENTIFIER_ALPHABET, int(1, 32)),
    expireSeconds: int(1, 10_000_000),
  }));
}

const ISSUED_AT = 1_750_000_000;
const CASES = randomCases(50, 0x75e12);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('genUserSig', () => {
  it('reproduces the official known vector', async () => {
    const userSig = await genUserSig(VECTOR);
    const doc = decode(userSig);
    expect(doc['TLS.sig']).toBe(VECTOR.sig);
    expect(doc).toEqual({
      'TLS.ver': '2.0',
      'TLS.identifier': 'xiaojun',
      'TLS.sdkappid': 1400000000,
      'TLS.time': 1700000000,
      'TLS.expire': 86400,
      'TLS.sig': VECTOR.sig,
    });
    expect(Object.keys(doc)).toEqual(['TLS.ver', 'TLS.identifier', 'TLS.sdkappid', 'TLS.time', 'TLS.expire', 'TLS.sig']);
    expect(userSig).toMatch(/^[A-Za-z0-9*\-_]+$/);
    expect(userSig).toBe(officialSig(VECTOR.sdkAppId, VECTOR.secretKey, VECTOR.identifier, VECTOR.expireSeconds, VECTOR.issuedAt));
  });

  it('matches the official package byte for byte on random inputs (incl. CJK, emoji, JSON escapes)', async () => {
    expect(CASES.some((c) => /[\u4e00-\u9fff]/.test(c.identifier))).toBe(true);
    expect(CASES.some((c) => /\p{Extended_Pictographic}/u.test(c.identifier))).toBe(true);
    for (const c of CASES) {
      const ours = await genUserSig({ ...c, issuedAt: ISSUED_AT });
      const official = officialSig(c.sdkAppId, c.secretKey, c.identifier, c.expireSeconds, ISSUED_AT);
      expect(decode(ours), JSON.stringify(c)).toEqual(decode(official));
      expect(ours, JSON.stringify(c)).toBe(official);
    }
  });

  it('defaults issuedAt to the current time in whole seconds', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_712_345_678_901);
    const doc = decode(await genUserSig({ sdkAppId: 1400000001, identifier: 'u', secretKey: 'k', expireSeconds: 60 }));
    expect(doc['TLS.time']).toBe(1_712_345_678);
  });

  it('reuses the cached key for repeated and concurrent signing with several secrets', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `secret-${i}`);
    const runs = keys.flatMap((secretKey) => [1, 2, 3].map((n) => ({ secretKey, identifier: `user${n}` })));
    const sigs = await Promise.all(runs.map((r) => genUserSig({ sdkAppId: 1400000002, expireSeconds: 600, issuedAt: ISSUED_AT, ...r })));
    sigs.forEach((sig, i) => {
      const r = runs[i]!;
      expect(sig).toBe(officialSig(1400000002, r.secretKey, r.identifier, 600, ISSUED_AT));
    });
  });
});

describe('portable path (WebCrypto + CompressionStream, no process.getBuiltinModule)', () => {
  it('produces the same strings as the official package and verifies them', async () => {
    const portable = await loadPortableModule();
    const sign = vi.spyOn(crypto.subtle, 'sign');
    const vector = await portable.genUserSig(VECTOR);
    expect(decode(vector)['TLS.sig']).toBe(VECTOR.sig);
    for (const c of CASES.slice(0, 15)) {
      const ours = await portable.genUserSig({ ...c, issuedAt: ISSUED_AT });
      expect(ours, JSON.stringify(c)).toBe(officialSig(c.sdkAppId, c.secretKey, c.identifier, c.expireSeconds, ISSUED_AT));
      expect(await portable.verifyUserSig(ours, { ...c, now: ISSUED_AT })).toEqual({ ok: true, expiresAt: ISSUED_AT + c.expireSeconds });
    }
    // Proves this really was the WebCrypto path, not the Node fast path.
    expect(sign).toHaveBeenCalledTimes(16);
  });

  it('imports each secret once and evicts the least recently used of more than 8', async () => {
    const portable = await loadPortableModule();
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const sign = (secretKey: string): Promise<string> => portable.genUserSig({ ...VECTOR, secretKey });
    await Promise.all([sign('a'), sign('a'), sign('a')]);
    expect(importKey).toHaveBeenCalledTimes(1);
    for (let i = 1; i <= 7; i++) await sign(`k${i}`); // cache now full: a, k1..k7
    await sign('a'); // refreshes a
    await sign('k8'); // evicts k1, the least recently used
    expect(importKey).toHaveBeenCalledTimes(9);
    await sign('a');
    await sign('k2');
    expect(importKey).toHaveBeenCalledTimes(9);
    await sign('k1');
    expect(importKey).toHaveBeenCalledTimes(10);
  });

  it.runIf(typeof process.getBuiltinModule === 'function')('is bypassed by the default module on Node >= 20.16', async () => {
    const sign = vi.spyOn(crypto.subtle, 'sign');
    await genUserSig(VECTOR);
    expect(sign).not.toHaveBeenCalled();
  });
});

describe('verifyUserSig', () => {
  const base = { sdkAppId: VECTOR.sdkAppId, identifier: VECTOR.identifier, secretKey: VECTOR.secretKey, now: VECTOR.issuedAt + 10 };
  const expiresAt = VECTOR.issuedAt + VECTOR.expireSeconds;

  it('accepts our signatures and the official ones', async () => {
    const ours = await genUserSig(VECTOR);
    const official = officialSig(VECTOR.sdkAppId, VECTOR.secretKey, VECTOR.identifier, VECTOR.expireSeconds, VECTOR.issuedAt);
    expect(await verifyUserSig(ours, base)).toEqual({ ok: true, expiresAt });
    expect(await verifyUserSig(official, base)).toEqual({ ok: true, expiresAt });
    for (const c of CASES) {
      const sig = officialSig(c.sdkAppId, c.secretKey, c.identifier, c.expireSeconds, ISSUED_AT);
      expect(await verifyUserSig(sig, { ...c, now: ISSUED_AT }), JSON.stringify(c)).toEqual({
        ok: true,
        expiresAt: ISSUED_AT + c.expireSeconds,
      });
    }
  });

  it('uses the current time when now is omitted', async () => {
    const userSig = await genUserSig(VECTOR);
    vi.spyOn(Date, 'now').mockReturnValue((expiresAt - 1) * 1000 + 999);
    expect(await verifyUserSig(userSig, { ...base, now: undefined })).toEqual({ ok: true, expiresAt });
    vi.spyOn(Date, 'now').mockReturnValue(expiresAt * 1000);
    expect(await verifyUserSig(userSig, { ...base, now: undefined })).toEqual({ ok: false, reason: 'expired' });
  });

  it('treats expiresAt as exclusive', async () => {
    const userSig = await genUserSig(VECTOR);
    expect(await verifyUserSig(userSig, { ...base, now: expiresAt - 1 })).toEqual({ ok: true, expiresAt });
    expect(await verifyUserSig(userSig, { ...base, now: expiresAt })).toEqual({ ok: false, reason: 'expired' });
    expect(await verifyUserSig(userSig, { ...base, now: expiresAt + 86400 })).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects a tampered signature', async () => {
    const doc = decode(await genUserSig(VECTOR));
    const mac = Buffer.from(doc['TLS.sig'] as string, 'base64');
    mac[7]! ^= 0x01;
    const tampered = encode({ ...doc, 'TLS.sig': mac.toString('base64') });
    expect(await verifyUserSig(tampered, base)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('rejects a document whose identifier, time or expiry was edited and re-encoded', async () => {
    const doc = decode(await genUserSig(VECTOR));
    const renamed = encode({ ...doc, 'TLS.identifier': 'mallory' });
    expect(await verifyUserSig(renamed, { ...base, identifier: 'mallory' })).toEqual({ ok: false, reason: 'bad signature' });
    const extended = encode({ ...doc, 'TLS.expire': 86400 * 365 });
    expect(await verifyUserSig(extended, base)).toEqual({ ok: false, reason: 'bad signature' });
    const reissued = encode({ ...doc, 'TLS.time': VECTOR.issuedAt + 1 });
    expect(await verifyUserSig(reissued, base)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('rejects the wrong sdkAppId, identifier and key', async () => {
    const userSig = await genUserSig(VECTOR);
    expect(await verifyUserSig(userSig, { ...base, sdkAppId: 1400000001 })).toEqual({ ok: false, reason: 'wrong app' });
    expect(await verifyUserSig(userSig, { ...base, identifier: 'Xiaojun' })).toEqual({ ok: false, reason: 'wrong identifier' });
    expect(await verifyUserSig(userSig, { ...base, secretKey: `${VECTOR.secretKey.slice(0, -1)}f` })).toEqual({
      ok: false,
      reason: 'bad signature',
    });
  });

  it('reports garbage as malformed without throwing', async () => {
    const rand = mulberry32(7);
    const randomBase64 = Array.from({ length: 5 }, (_, n) =>
      Buffer.from(Array.from({ length: 20 + n * 40 }, () => Math.floor(rand() * 256)))
        .toString('base64')
        .replace(/\+/g, '*')
        .replace(/\//g, '-')
        .replace(/=/g, '_'),
    );
    const valid = await genUserSig(VECTOR);
    const inputs: unknown[] = [
      '',
      'abc',
      '!!!!',
      ...randomBase64,
      valid.slice(0, valid.length - 12), // truncated deflate stream
      encode('not json'),
      encode('null'),
      encode('[1,2,3]'),
      encode('"just a string"'),
      encode(new Uint8Array([0x7b, 0xff, 0x7d])), // invalid UTF-8 inside
      'A'.repeat(20_000),
      undefined,
      null,
      42,
    ];
    for (const input of inputs) {
      // Bad input must surface as a result, not an exception, whatever its type.
      await expect(verifyUserSig(input as string, base), String(input).slice(0, 40)).resolves.toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses to inflate oversized documents even when correctly signed', async () => {
    // ~1 MB of JSON deflates to about 1 kB: the shape of a decompression bomb.
    const huge = { ...VECTOR, identifier: 'x'.repeat(1_000_000) };
    const userSig = await genUserSig(huge);
    expect(userSig.length).toBeLessThan(4096);
    expect(await verifyUserSig(userSig, { ...base, identifier: huge.identifier })).toEqual({ ok: false, reason: 'malformed' });
    const modest = { ...VECTOR, identifier: 'x'.repeat(10_000) };
    expect(await verifyUserSig(await genUserSig(modest), { ...base, identifier: modest.identifier })).toEqual({ ok: true, expiresAt });
  });

  it('reports documents with missing or mistyped fields as malformed', async () => {
    const doc = decode(await genUserSig(VECTOR));
    const variants: Record<string, unknown>[] = [
      { ...doc, 'TLS.ver': '1.0' },
      { ...doc, 'TLS.sig': undefined },
      { ...doc, 'TLS.sig': 12 },
      { ...doc, 'TLS.sig': (doc['TLS.sig'] as string).replace('=', '') }, // non-canonical base64
      { ...doc, 'TLS.sig': ` ${doc['TLS.sig'] as string}` },
      { ...doc, 'TLS.sig': Buffer.alloc(31).toString('base64') },
      { ...doc, 'TLS.identifier': 7 },
      { ...doc, 'TLS.sdkappid': '1400000000' },
      { ...doc, 'TLS.time': 1700000000.5 },
      { ...doc, 'TLS.expire': '86400' },
      { ...doc, 'TLS.expire': undefined },
    ];
    for (const variant of variants) {
      expect(await verifyUserSig(encode(variant), base), JSON.stringify(variant)).toEqual({ ok: false, reason: 'malformed' });
    }
    // Sanity check for the helper: the untouched document still verifies after re-encoding.
    expect(await verifyUserSig(encode(doc), base)).toEqual({ ok: true, expiresAt });
  });
});

describe('input validation', () => {
  const SECRET = 'TOP-SECRET-KEY-0123456789abcdef';
  const good = { sdkAppId: 1400000000, identifier: 'alice', secretKey: SECRET, expireSeconds: 3600, issuedAt: 1700000000 };
  const goodVerify = { sdkAppId: 1400000000, identifier: 'alice', secretKey: SECRET, now: 1700000000 };

  const genCases: [string, Record<string, unknown>, RegExp][] = [
    ['sdkAppId', { sdkAppId: 0 }, /sdkAppId must be a positive integer/],
    ['sdkAppId', { sdkAppId: -5 }, /sdkAppId must be a positive integer/],
    ['sdkAppId', { sdkAppId: 1.5 }, /sdkAppId must be a positive integer/],
    ['sdkAppId', { sdkAppId: '1400000000' }, /sdkAppId must be a positive integer/],
    ['sdkAppId', { sdkAppId: Number.NaN }, /sdkAppId must be a positive integer/],
    ['identifier', { identifier: '' }, /identifier must be a non-empty string/],
    ['identifier', { identifier: 12 }, /identifier must be a non-empty string/],
    ['secretKey', { secretKey: '' }, /secretKey must be a non-empty string/],
    ['secretKey', { secretKey: undefined }, /secretKey must be a non-empty string/],
    ['expireSeconds', { expireSeconds: 0 }, /expireSeconds must be a positive integer/],
    ['expireSeconds', { expireSeconds: Infinity }, /expireSeconds must be a positive integer/],
    ['issuedAt', { issuedAt: -1 }, /issuedAt must be a non-negative integer/],
    ['issuedAt', { issuedAt: 1.25 }, /issuedAt must be a non-negative integer/],
  ];

  it.each(genCases)('genUserSig rejects a bad %s without leaking the key', async (_field, patch, message) => {
    const error = await genUserSig({ ...good, ...patch } as typeof good).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^genUserSig: /);
    expect((error as Error).message).not.toContain(SECRET);
    expect((error as Error).message).not.toContain('TOP-SECRET');
  });

  it('accepts issuedAt 0', async () => {
    expect(decode(await genUserSig({ ...good, issuedAt: 0 }))['TLS.time']).toBe(0);
  });

  const verifyCases: [string, Record<string, unknown>, RegExp][] = [
    ['sdkAppId', { sdkAppId: 0 }, /sdkAppId must be a positive integer/],
    ['identifier', { identifier: '' }, /identifier must be a non-empty string/],
    ['secretKey', { secretKey: '' }, /secretKey must be a non-empty string/],
    ['secretKey', { secretKey: 123 }, /secretKey must be a non-empty string \(got number\)/],
    ['now', { now: -1 }, /now must be a non-negative integer/],
  ];

  it.each(verifyCases)('verifyUserSig rejects a bad %s option without leaking the key', async (_field, patch, message) => {
    const userSig = await genUserSig(good);
    await expect(verifyUserSig(userSig, { ...goodVerify, ...patch } as typeof goodVerify)).rejects.toThrow(message);
    await expect(verifyUserSig(userSig, { ...goodVerify, ...patch } as typeof goodVerify)).rejects.not.toThrow(/TOP-SECRET/);
  });
});
