/**
 * ZenTao's entry IP whitelist: `*`, or a comma-separated list of exact addresses, ranges `a-b`,
 * CIDR blocks `a/n` and wildcards `192.168.1.*`.
 */
function v4(ip: string): number | undefined {
  const m = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function allows(rule: string, ip: string): boolean {
  rule = rule.trim();
  if (rule === '' ) return false;
  if (rule === '*') return true;
  const addr = v4(ip);
  if (rule.includes('*')) {
    const re = new RegExp(`^${rule.replace(/\./g, '\\.').replace(/\*/g, '\\d{1,3}')}$`);
    return re.test(ip.replace(/^::ffff:/, ''));
  }
  if (rule.includes('/')) {
    const [base, bits] = rule.split('/');
    const b = v4(base ?? '');
    const n = Number(bits);
    if (addr === undefined || b === undefined || !Number.isInteger(n) || n < 0 || n > 32) return false;
    const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
    return (addr & mask) >>> 0 === (b & mask) >>> 0;
  }
  if (rule.includes('-')) {
    const [lo, hi] = rule.split('-').map((s) => v4(s));
    return addr !== undefined && lo !== undefined && hi !== undefined && addr >= lo && addr <= hi;
  }
  if (addr !== undefined && v4(rule) !== undefined) return addr === v4(rule);
  return rule === ip;
}

export function ipAllowed(whitelist: string, ip: string): boolean {
  return whitelist.split(',').some((rule) => allows(rule, ip));
}
