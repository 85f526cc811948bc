/**
 * HTTP Basic authentication (RFC 7617) against bcrypt hashes from the web
 * config file.
 *
 * bcrypt at cost 10 takes tens of milliseconds of CPU by design, and
 * Prometheus sends the same credentials on every scrape; so, like
 * exporter-toolkit, a successful verification is remembered under a SHA-256
 * of (user, password, hash) and the next request with the same credentials
 * costs one hash. Only successes are cached (a wrong password always pays
 * the full bcrypt), the cache is bounded, and it belongs to one web config:
 * a reload that changes a user's hash starts a new one.
 *
 * Timing: the user name is compared against every configured name with
 * timingSafeEqual over fixed-length digests, and an unknown user is checked
 * against a dummy hash of the same cost, so a response time does not tell
 * which user names exist. bcryptjs's compare is asynchronous (it yields to
 * the event loop between rounds), so a brute-force attempt does not stall
 * the capture.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** Successful verifications remembered; beyond this the cache starts over (a few users scrape, not thousands). */
const CACHE_LIMIT = 256;
/**
 * bcrypt checks running at once. They share the one thread with capture
 * (bcryptjs yields between rounds, but each still burns CPU), so a flood of
 * guessed passwords must not take more than this many bcrypts' worth of it:
 * further uncached attempts are answered "busy" (503) at once. Cached
 * successes (Prometheus after its first scrape) need no bcrypt and pass.
 */
export const MAX_CONCURRENT_BCRYPT = 2;

export type AuthResult =
  | { ok: true; user: string }
  /** `user` is what the client sent (for the log; never the password). */
  | { ok: false; reason: 'no credentials' | 'malformed credentials' | 'unknown user' | 'wrong password' | 'busy'; user?: string };

function digest(...parts: string[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(Buffer.from(p, 'utf8')).update('\0');
  return h.digest();
}

/**
 * A well-formed bcrypt hash of the given cost that no password matches (60
 * characters: `$2b$`, two cost digits, `$`, 22 of salt, 31 of hash). It must
 * be well-formed: bcryptjs answers false at once for a hash of another length.
 */
export function dummyHash(cost: number): string {
  return `$2b$${String(cost).padStart(2, '0')}$vxmonNoSuchUserDummySaltHashThatMatchesNoPasswordAtAl`;
}

export class BasicAuth {
  private readonly users: { nameDigest: Buffer; name: string; hash: string }[];
  private readonly cache = new Set<string>();
  private inFlight = 0;
  /** Same cost as the first user's hash, so an unknown user costs what a known one does ('' without users). */
  private readonly dummyHash: string;

  constructor(users: ReadonlyMap<string, string>) {
    this.users = [...users].map(([name, hash]) => ({ nameDigest: digest(name), name, hash }));
    // Any well-formed hash of that cost makes compare() do the full work; writing one (rather than
    // hashSync at start and on every reload) keeps a cost-12 hash from blocking the event loop.
    this.dummyHash = this.users.length > 0 ? dummyHash(bcrypt.getRounds(this.users[0].hash)) : '';
  }

  /** Verifications remembered now (for tests and curiosity). */
  get cachedVerifications(): number {
    return this.cache.size;
  }

  get enabled(): boolean {
    return this.users.length > 0;
  }

  async check(authorization: string | undefined): Promise<AuthResult> {
    if (authorization === undefined) return { ok: false, reason: 'no credentials' };
    const m = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(authorization);
    if (!m) return { ok: false, reason: 'malformed credentials' };
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { ok: false, reason: 'malformed credentials' };
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);

    // Walk every user (no early exit) so the time does not depend on which one matched.
    const given = digest(user);
    let match: (typeof this.users)[number] | undefined;
    for (const u of this.users) if (timingSafeEqual(u.nameDigest, given) && match === undefined) match = u;

    const hash = match?.hash ?? this.dummyHash;
    const key = digest(user, password, hash).toString('hex');
    if (match !== undefined && this.cache.has(key)) return { ok: true, user };
    if (this.inFlight >= MAX_CONCURRENT_BCRYPT) return { ok: false, reason: 'busy', user };
    this.inFlight++;
    let good: boolean;
    try {
      good = await bcrypt.compare(password, hash);
    } finally {
      this.inFlight--;
    }
    if (match === undefined) return { ok: false, reason: 'unknown user', user };
    if (!good) return { ok: false, reason: 'wrong password', user };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.add(key);
    return { ok: true, user };
  }
}
