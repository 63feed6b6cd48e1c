// The usersig cache: renewal is timed from the whole second the sig says it was issued (not from the moment it was
// asked for), a renewal after 70001 always yields a different sig, and a pre-made sig cannot be renewed.
import { describe, expect, it } from 'vitest';
import { fixedUserSig, signingUserSig } from '../../src/user-sig-source.js';
import { decodeUserSig } from './helpers.js';

const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';

function source(lifetimeSeconds: number, clock: { ms: number }) {
  return signingUserSig({ sdkAppId: 1400000000, identifier: 'admin', secretKey: KEY, lifetimeSeconds, renewAfter: 0.75, now: () => clock.ms });
}

const issuedAt = (sig: string): number => Number(decodeUserSig(sig)['TLS.time']);

describe('signingUserSig', () => {
  it('renews three quarters into the lifetime counted from the whole issue second', async () => {
    // Asked for at 999 ms past a second: the sig says it was issued at that second, so with a 60 s lifetime it
    // expires 60 s after the second began, and must be renewed by 45 s after it — not 45 s after the request.
    const clock = { ms: 1_700_000_000_999 };
    const sigs = source(60, clock);
    const first = await sigs.current();
    expect(issuedAt(first)).toBe(1_700_000_000);
    clock.ms = 1_700_000_044_999;
    expect(await sigs.current()).toBe(first);
    clock.ms = 1_700_000_045_000;
    const second = await sigs.current();
    expect(second).not.toBe(first);
    expect(issuedAt(second)).toBe(1_700_000_045);
  });

  it('a renewal within the same second as the rejected sig still gives a different sig', async () => {
    const clock = { ms: 1_700_000_000_100 };
    const sigs = source(3600, clock);
    const first = await sigs.current();
    clock.ms += 200; // same second
    expect(await sigs.renew(first)).toBe(true);
    const renewed = await sigs.current();
    expect(renewed).not.toBe(first);
    expect(issuedAt(renewed)).toBe(issuedAt(first) + 1);
  });

  it('concurrent renewals after the same rejection sign once', async () => {
    const clock = { ms: 1_700_000_000_000 };
    const sigs = source(3600, clock);
    const first = await sigs.current();
    clock.ms += 5000;
    expect(await sigs.renew(first)).toBe(true);
    const renewed = await sigs.current();
    // A second call that also saw `first` rejected finds it already replaced.
    expect(await sigs.renew(first)).toBe(true);
    expect(await sigs.current()).toBe(renewed);
  });
});

describe('fixedUserSig', () => {
  it('hands out the given sig and cannot renew it', async () => {
    const sigs = fixedUserSig('premade');
    expect(await sigs.current()).toBe('premade');
    expect(await sigs.renew('premade')).toBe(false);
  });
});
