/**
 * ZenTao's entry IP whitelist: `*`, or a comma-separated list of exact addresses, ranges `a-b`, CIDR blocks
 * `a/n` and wildcards `192.168.1.*`. The list is parsed once, when the twin is seeded; an entry that is none
 * of these (`10.0.0.(*`, `10.0.0.0/33`) matches no caller.
 */
export type WhitelistEntry =
  | { kind: 'any' }
  /** An exact IPv4 address, a CIDR block or an `a-b` range, as the inclusive range of 32-bit addresses. */
  | { kind: 'range'; lo: number; hi: number }
  /** `192.168.1.*`: four dot-separated parts, each `*` (any 1–3 digits) or the part itself. */
  | { kind: 'wildcard'; parts: string[] }
  /** Any other address (IPv6 `::1`), compared as text. */
  | { kind: 'exact'; text: string };

const V4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const PART = /^\d{1,3}$/;
const BITS = /^\d{1,2}$/;

/** An IPv4 address (optionally IPv4-mapped IPv6) as an unsigned 32-bit number, else undefined. */
function v4(ip: string): number | undefined {
  const m = V4.exec(ip.trim());
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = Number(m[i]);
    if (part > 255) return undefined;
    n = n * 256 + part;
  }
  return n;
}

function parseEntry(rule: string): WhitelistEntry | undefined {
  if (rule === '*') return { kind: 'any' };
  if (rule.includes('*')) {
    const parts = rule.split('.');
    return parts.length === 4 && parts.every((p) => p === '*' || PART.test(p)) ? { kind: 'wildcard', parts } : undefined;
  }
  if (rule.includes('/')) {
    const [base, bits, ...rest] = rule.split('/');
    const b = v4(base!);
    const n = Number(bits);
    if (b === undefined || rest.length || !BITS.test(bits!) || n > 32) return undefined;
    // `x << 32` is `x << 0` in JavaScript: /0 needs its own mask.
    const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
    const lo = (b & mask) >>> 0;
    return { kind: 'range', lo, hi: (lo | ~mask) >>> 0 };
  }
  if (rule.includes('-')) {
    const [from, to, ...rest] = rule.split('-');
    const lo = v4(from!);
    const hi = v4(to!);
    return lo === undefined || hi === undefined || rest.length ? undefined : { kind: 'range', lo, hi };
  }
  const exact = v4(rule);
  return exact === undefined ? { kind: 'exact', text: rule } : { kind: 'range', lo: exact, hi: exact };
}

/** The whitelist's entries, in order; empty and unparseable entries are left out (they match nobody). */
export function parseWhitelist(list: string): WhitelistEntry[] {
  const entries: WhitelistEntry[] = [];
  for (const raw of list.split(',')) {
    const rule = raw.trim();
    const entry = rule === '' ? undefined : parseEntry(rule);
    if (entry) entries.push(entry);
  }
  return entries;
}

function wildcardMatches(parts: string[], ip: string): boolean {
  const got = (ip.startsWith('::ffff:') ? ip.slice(7) : ip).split('.');
  return got.length === 4 && parts.every((p, i) => (p === '*' ? PART.test(got[i]!) : p === got[i]));
}

/** Whether the caller's address `ip` is allowed by a parsed whitelist. */
export function ipAllowed(whitelist: readonly WhitelistEntry[], ip: string): boolean {
  let addr: number | undefined;
  for (const entry of whitelist) {
    switch (entry.kind) {
      case 'any':
        return true;
      case 'range':
        // -1 for a caller that is no IPv4 address: in no range.
        addr ??= v4(ip) ?? -1;
        if (addr >= entry.lo && addr <= entry.hi) return true;
        break;
      case 'wildcard':
        if (wildcardMatches(entry.parts, ip)) return true;
        break;
      case 'exact':
        if (entry.text === ip) return true;
        break;
    }
  }
  return false;
}
