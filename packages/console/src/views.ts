// Pure helpers of the console's views (fixtures tables, the YAML editor, the clock, the platform views): no DOM, no
// fetch, unit-tested in views.test.ts.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** YAML's words a plain scalar must not be (they would read as booleans or null). */
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~|)$/i;
/** A plain (unquoted) scalar: starts with a letter (or CJK), holds nothing YAML gives a meaning to. */
const PLAIN = /^[A-Za-z_\u00a0-\uffff][^:#'"{}[\],&*!|>%@`]*$/;
/** Control characters (tab, newline, …): only a quoted scalar keeps them. */
const CONTROL = /\p{Cc}/u;

/** A string as a YAML scalar: plain when it reads back as the same string, else double-quoted (JSON's quoting is YAML's). */
export function yamlString(s: string): string {
  return PLAIN.test(s) && !CONTROL.test(s) && !RESERVED.test(s) && s.trim() === s ? s : JSON.stringify(s);
}

const scalar = (v: Json): string => (typeof v === 'string' ? yamlString(v) : JSON.stringify(v));
const isEmpty = (v: Json) => (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/**
 * A JSON value as block YAML (the fixtures editor's YAML view). The twin parses it back (`PUT /__admin/fixtures`
 * with `content-type: application/yaml`), so only plain, double-quoted and block forms are written.
 */
export function toYaml(value: unknown): string {
  const lines: string[] = [];
  const write = (v: Json, indent: string) => {
    if (Array.isArray(v)) {
      for (const item of v) {
        if (item !== null && typeof item === 'object' && !isEmpty(item)) {
          const inner: string[] = [];
          const saved = lines.length;
          write(item, `${indent}  `);
          inner.push(...lines.splice(saved));
          lines.push(`${indent}- ${inner[0]!.slice(indent.length + 2)}`, ...inner.slice(1));
        } else lines.push(`${indent}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
      }
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (item !== null && typeof item === 'object' && !isEmpty(item)) {
          lines.push(`${indent}${yamlString(k)}:`);
          write(item, Array.isArray(item) ? indent : `${indent}  `);
        } else lines.push(`${indent}${yamlString(k)}: ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
      }
    } else lines.push(`${indent}${scalar(v)}`);
  };
  const root = value as Json;
  if (root !== null && typeof root === 'object' && isEmpty(root)) return Array.isArray(root) ? '[]\n' : '{}\n';
  write(root, '');
  return `${lines.join('\n')}\n`;
}

/** One part of the fixtures as the console shows it: an array of objects as rows, an object as fields, or a value. */
export type FixtureTable =
  | { name: string; kind: 'rows'; columns: string[]; rows: Record<string, unknown>[] }
  | { name: string; kind: 'fields'; fields: [string, unknown][] }
  | { name: string; kind: 'value'; value: unknown };

/** Each top-level field of the fixtures as a table; the columns of rows are every key the rows have, in first-seen order. */
export function tablesOf(fixtures: unknown): FixtureTable[] {
  if (fixtures === null || typeof fixtures !== 'object' || Array.isArray(fixtures))
    return [{ name: '(fixtures)', kind: 'value', value: fixtures }];
  return Object.entries(fixtures as Record<string, unknown>).map(([name, v]): FixtureTable => {
    if (Array.isArray(v) && v.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) {
      const columns: string[] = [];
      for (const r of v) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
      return { name, kind: 'rows', columns, rows: v as Record<string, unknown>[] };
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return { name, kind: 'fields', fields: Object.entries(v) };
    return { name, kind: 'value', value: v };
  });
}

/** A cell: a string as is, anything else as compact JSON, cut at `max` characters. */
export function cellText(v: unknown, max = 120): string {
  const text = v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The problems of a refused admin call (`details: [{path, reason}]`), when it gives them. */
export function problemsOf(details: unknown): { path: string; reason: string }[] {
  if (!Array.isArray(details)) return [];
  return details
    .filter((d): d is { path?: unknown; reason?: unknown; message?: unknown } => d !== null && typeof d === 'object')
    .map((d) => ({ path: String(d.path ?? ''), reason: String(d.reason ?? d.message ?? '') }))
    .filter((p) => p.reason !== '');
}

/** How far to advance a twin's clock to pass its tokens' lifetime, and what that lifetime is; none when its tokens do not expire. */
export function tokenExpiry(twin: string, fixtures: unknown): { seconds: number; label: string } | undefined {
  const f = (fixtures ?? {}) as Record<string, unknown>;
  if (twin === 'dingtalk') {
    const ttl = typeof f.tokenTtlSeconds === 'number' ? f.tokenTtlSeconds : 7200;
    return { seconds: ttl + 1, label: `access tokens live ${durationText(ttl * 1000)} (tokenTtlSeconds)` };
  }
  // GitHub's expiring user tokens (ghu_): expires_in 28800; OAuth app tokens (gho_) never expire.
  if (twin === 'oauth') return { seconds: 28_800 + 1, label: 'expiring user tokens (ghu_) live 8 h; gho_ tokens never expire' };
  return undefined;
}

/** `2 h 0 min 1 s`, `-5 min`, `0 s`: a duration (or a clock's offset) for people. */
export function durationText(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let s = Math.round(Math.abs(ms) / 1000);
  const parts: string[] = [];
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d) parts.push(`${d} d`);
  if (d || h) parts.push(`${h} h`);
  if (d || h || m) parts.push(`${m} min`);
  if (s || parts.length === 0) parts.push(`${s} s`);
  return sign + parts.join(' ');
}

/** An advance as the clock API takes it (`POST /__admin/clock/advance`: ms, seconds or minutes). */
export function advanceBody(amount: number, unit: 'seconds' | 'minutes' | 'hours'): { seconds?: number; minutes?: number } {
  if (unit === 'hours') return { minutes: amount * 60 };
  return unit === 'minutes' ? { minutes: amount } : { seconds: amount };
}

/** DingTalk's connect asset URI of an action (`dca://<corp>.connect.dingtalk.com/<corp>/action/<id>`), from the fixtures. */
export function dingtalkAssets(fixtures: unknown): { uri: string; name: string; connector: string }[] {
  const f = (fixtures ?? {}) as {
    connectors?: { id: string; name: string; providerCorpId: string }[];
    actions?: { id: string; name: string; connectorId: string }[];
  };
  const byId = new Map((f.connectors ?? []).map((c) => [c.id, c]));
  const out: { uri: string; name: string; connector: string }[] = [];
  for (const a of f.actions ?? []) {
    const c = byId.get(a.connectorId);
    if (c)
      out.push({
        uri: `dca://${c.providerCorpId}.connect.dingtalk.com/${c.providerCorpId}/action/${a.id}`,
        name: a.name,
        connector: c.name,
      });
  }
  return out;
}

/** A generic fault as the rule form builds it (the kit's `Fault`): a delay, an HTTP status with an optional body, or a drop. */
export function faultOf(kind: 'delay' | 'status' | 'drop', ms: number, status: number, body: string) {
  if (kind === 'delay') return { type: 'delay' as const, ms };
  if (kind === 'drop') return { type: 'drop' as const };
  const text = body.trim();
  if (text === '') return { type: 'status' as const, status };
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { type: 'status' as const, status, body: parsed };
}

/** `gho_Bd0r…sn9J`: enough to tell tokens apart in a narrow column (the whole token is the cell's title). */
export const shortToken = (t: string) => (t.length > 16 ? `${t.slice(0, 8)}…${t.slice(-4)}` : t);

/** A twin's tab label: its title up to the first ` (` or ` / ` ("ZenTao / xuanxuan IM…" → "ZenTao"), so four fit in one row. */
export const shortTitle = (title: string): string => title.split(/ \(| \/ /)[0]!;
