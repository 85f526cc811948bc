import { describe, expect, it } from 'vitest';
import bcrypt from 'bcryptjs';
import { BasicAuth, dummyHash, MAX_CONCURRENT_BCRYPT } from '../../../src/export/basic-auth.js';

/**
 * Credentials against bcrypt hashes. The hash is a published bcrypt test
 * vector (openwall crypt_blowfish wrapper.c): "U*U" hashes to
 * $2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW.
 */
const HASH = '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';
const basic = (userPass: string) => `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;

describe('BasicAuth', () => {
  const auth = () => new BasicAuth(new Map([['prometheus', HASH], ['grafana', HASH.replace('$2a$', '$2y$')]]));

  it('accepts the right password for either user, and remembers only successes', async () => {
    const a = auth();
    expect(await a.check(basic('prometheus:U*U'))).toEqual({ ok: true, user: 'prometheus' });
    expect(a.cachedVerifications).toBe(1);
    expect(await a.check(basic('prometheus:U*U'))).toEqual({ ok: true, user: 'prometheus' });
    expect(a.cachedVerifications).toBe(1); // the same credentials: the cached entry, not a new one
    expect(await a.check(basic('grafana:U*U'))).toEqual({ ok: true, user: 'grafana' });
    expect(a.cachedVerifications).toBe(2);
    expect(await a.check(basic('prometheus:U*V'))).toEqual({ ok: false, reason: 'wrong password', user: 'prometheus' });
    expect(a.cachedVerifications).toBe(2);
  });

  it('a cached success does not let another password or user through', async () => {
    const a = auth();
    await a.check(basic('prometheus:U*U'));
    expect((await a.check(basic('prometheus:U*U '))).ok).toBe(false);
    expect((await a.check(basic('grafana:U*V'))).ok).toBe(false);
    expect(await a.check(basic('mallory:U*U'))).toEqual({ ok: false, reason: 'unknown user', user: 'mallory' });
  });

  it.each([
    [undefined, 'no credentials'],
    ['Bearer abc', 'malformed credentials'],
    ['Basic !!!', 'malformed credentials'],
    [basic('no-colon'), 'malformed credentials'],
  ])('%j: %s', async (header, reason) => {
    expect(await auth().check(header)).toMatchObject({ ok: false, reason });
  });

  it('a password containing ":" is split at the first colon (RFC 7617)', async () => {
    const a = new BasicAuth(new Map([['u', HASH]]));
    expect((await a.check(basic('u:U*U'))).ok).toBe(true);
    expect((await a.check(basic('u:U:*U'))).ok).toBe(false);
  });

  it('an unknown user is checked against a well-formed dummy hash of the same cost (a full bcrypt, no early answer)', () => {
    // bcryptjs answers false without hashing for a hash that is not 60 characters; a well-formed one costs the rounds.
    for (const cost of [4, 5, 10, 12, 31]) {
      const h = dummyHash(cost);
      expect(h).toMatch(/^\$2b\$\d\d\$[./A-Za-z0-9]{53}$/);
      expect(h.length).toBe(60);
      expect(bcrypt.getRounds(h)).toBe(cost);
    }
    expect(bcrypt.compareSync('U*U', dummyHash(5))).toBe(false);
  });

  it('at most MAX_CONCURRENT_BCRYPT uncached checks at once; the rest are "busy" at once, cached successes still pass', async () => {
    const a = auth();
    await a.check(basic('prometheus:U*U')); // cached from now on
    const guesses = Array.from({ length: 10 }, (_, i) => a.check(basic(`prometheus:guess-${i}`)));
    const scrape = a.check(basic('prometheus:U*U'));
    const results = await Promise.all(guesses);
    expect(results.filter((r) => !r.ok && r.reason === 'wrong password')).toHaveLength(MAX_CONCURRENT_BCRYPT);
    expect(results.filter((r) => !r.ok && r.reason === 'busy')).toHaveLength(10 - MAX_CONCURRENT_BCRYPT);
    expect(await scrape).toEqual({ ok: true, user: 'prometheus' });
    // Once they are done, checks run again.
    expect(await a.check(basic('prometheus:guess-again'))).toMatchObject({ ok: false, reason: 'wrong password' });
  });

  it('no users: disabled', () => {
    expect(new BasicAuth(new Map()).enabled).toBe(false);
  });
});
