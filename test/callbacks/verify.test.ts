// verifyCallback against an independent signer (node:crypto), at the edges of the one-minute window.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyCallback } from '../../src/callbacks/index.js';
import { callbackSign, constantTimeEqual } from '../../src/callbacks/sign.js';

const TOKEN = 'callback-token-for-tests';
const APP = 1400000000;
const NOW = 1_700_000_000;
const sign = (token: string, time: number | string): string => createHash('sha256').update(`${token}${time}`).digest('hex');
const query = (time: number, extra: Record<string, string> = {}): URLSearchParams =>
  new URLSearchParams({ SdkAppid: String(APP), CallbackCommand: 'Sns.CallbackFriendAdd', contenttype: 'json', Sign: sign(TOKEN, time), RequestTime: String(time), ...extra });

// The worked sample of the vendor's Security Considerations (LiveKit callback overview of the Chat documentation,
// https://cloud.tencent.com/document/product/269/117703): Token xxxxyyyy, RequestTime 1669872112.
const VENDOR_SAMPLE = { token: 'xxxxyyyy', requestTime: 1669872112, sign: '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061' };

describe('the vendor\'s worked sample', () => {
  it('callbackSign gives the Sign the vendor prints', async () => {
    expect(await callbackSign(VENDOR_SAMPLE.token, VENDOR_SAMPLE.requestTime)).toBe(VENDOR_SAMPLE.sign);
    expect(await callbackSign(VENDOR_SAMPLE.token, String(VENDOR_SAMPLE.requestTime))).toBe(VENDOR_SAMPLE.sign);
  });

  it('verifyCallback accepts the vendor\'s sample URL at its RequestTime and a minute either side, not beyond', async () => {
    const url = `https://app.example/cb?SdkAppid=${APP}&CallbackCommand=Sns.CallbackFriendAdd&contenttype=json&Sign=${VENDOR_SAMPLE.sign}&RequestTime=${VENDOR_SAMPLE.requestTime}`;
    const options = { token: VENDOR_SAMPLE.token, sdkAppId: APP };
    for (const now of [VENDOR_SAMPLE.requestTime, VENDOR_SAMPLE.requestTime + 60, VENDOR_SAMPLE.requestTime - 60]) {
      expect((await verifyCallback(url, { ...options, now })).ok, `now = RequestTime ${now - VENDOR_SAMPLE.requestTime} s`).toBe(true);
    }
    expect(await verifyCallback(url, { ...options, now: VENDOR_SAMPLE.requestTime + 61 })).toMatchObject({ ok: false, reason: 'stale' });
    expect(await verifyCallback(url, { ...options, token: 'xxxxyyyz', now: VENDOR_SAMPLE.requestTime })).toMatchObject({ ok: false, reason: 'bad signature' });
  });
});

describe('verifyCallback', () => {
  it('accepts a callback signed sha256(token + RequestTime) for this app, now', async () => {
    expect(await verifyCallback(query(NOW), { token: TOKEN, sdkAppId: APP, now: NOW })).toEqual({ ok: true, sdkAppId: APP, requestTime: NOW, command: 'Sns.CallbackFriendAdd' });
  });

  it('takes the query as URLSearchParams, URL, URL text, query text, a record or a Request', async () => {
    const url = `https://app.example/cb?${query(NOW).toString()}`;
    const inputs = [new URL(url), url, `?${query(NOW).toString()}`, Object.fromEntries(query(NOW)), new Request(url, { method: 'POST', body: '{}' })];
    for (const input of inputs) expect((await verifyCallback(input, { token: TOKEN, sdkAppId: APP, now: NOW })).ok).toBe(true);
  });

  it.each([
    [-60, true],
    [60, true],
    [-61, false],
    [61, false],
  ])('RequestTime %i s from now: accepted %s (the window is one minute, inclusive)', async (offset, accepted) => {
    const result = await verifyCallback(query(NOW + offset), { token: TOKEN, sdkAppId: APP, now: NOW });
    expect(result.ok).toBe(accepted);
    if (!result.ok) expect(result).toMatchObject({ reason: 'stale', message: expect.stringContaining('RequestTime') });
  });

  it('honours maxSkewSeconds', async () => {
    expect((await verifyCallback(query(NOW - 300), { token: TOKEN, sdkAppId: APP, now: NOW, maxSkewSeconds: 300 })).ok).toBe(true);
    expect((await verifyCallback(query(NOW - 1), { token: TOKEN, sdkAppId: APP, now: NOW, maxSkewSeconds: 0 })).ok).toBe(false);
  });

  it('refuses a Sign made with another token, without naming the token', async () => {
    const result = await verifyCallback(query(NOW, { Sign: sign('another-token', NOW) }), { token: TOKEN, sdkAppId: APP, now: NOW });
    expect(result).toMatchObject({ ok: false, reason: 'bad signature' });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('refuses a Sign over another RequestTime (a replay with a fresh time)', async () => {
    const result = await verifyCallback(query(NOW, { Sign: sign(TOKEN, NOW - 1000) }), { token: TOKEN, sdkAppId: APP, now: NOW });
    expect(result).toMatchObject({ ok: false, reason: 'bad signature' });
  });

  it('refuses another app, a missing SdkAppid, a missing signature and a RequestTime that is not digits', async () => {
    const options = { token: TOKEN, sdkAppId: APP, now: NOW };
    expect(await verifyCallback(query(NOW, { SdkAppid: String(APP + 1) }), options)).toMatchObject({ ok: false, reason: 'other app' });
    const noApp = query(NOW);
    noApp.delete('SdkAppid');
    expect(await verifyCallback(noApp, options)).toMatchObject({ ok: false, reason: 'missing SdkAppid' });
    const unsigned = query(NOW);
    unsigned.delete('Sign');
    expect(await verifyCallback(unsigned, options)).toMatchObject({ ok: false, reason: 'missing signature' });
    expect(await verifyCallback(query(NOW, { RequestTime: '1.7e9' }), options)).toMatchObject({ ok: false, reason: 'malformed RequestTime' });
  });

  it('accepts the Sign in upper case (hex is hex)', async () => {
    expect((await verifyCallback(query(NOW, { Sign: sign(TOKEN, NOW).toUpperCase() }), { token: TOKEN, sdkAppId: APP, now: NOW })).ok).toBe(true);
  });

  it('throws on a bad configuration, naming the option', async () => {
    await expect(verifyCallback(query(NOW), { token: '', sdkAppId: APP })).rejects.toThrow(/token/);
    await expect(verifyCallback(query(NOW), { token: TOKEN, sdkAppId: 0 })).rejects.toThrow(/sdkAppId/);
    await expect(verifyCallback(query(NOW), { token: TOKEN, sdkAppId: APP, maxSkewSeconds: -1 })).rejects.toThrow(/maxSkewSeconds/);
  });
});

describe('constantTimeEqual', () => {
  it('is equality for strings of any content and length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'ab')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
