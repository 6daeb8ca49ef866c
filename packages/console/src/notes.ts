// What the twins note in a journal entry (`notes`), read for the entry view: ZenTao's signature check
// (packages/mock-zentao/src/auth.ts, noted when it fails), ONES's interception chain (packages/mock-ones/src/plugins/engine.ts).
// Nothing is computed here: the console shows what the twin recorded, and says when it recorded nothing.
import type { JournalEntry } from '@doppel/clients/admin';

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v));

export type Signature =
  | { kind: 'query'; mode: string; signed: string; formula: string; received: string; expected: string; timeSigned?: string; hint?: string }
  | { kind: 'time'; time: string; lastCalledTime: string }
  | { kind: 'none'; query: string; ip?: { caller: string; whitelist: string } };

/** The query string of an entry as the journal holds it (`a=1&b=2`). */
export function queryText(entry: JournalEntry): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(entry.query ?? {})) for (const one of Array.isArray(v) ? v : [v]) out.append(k, one);
  return out.toString();
}

/** ZenTao's signature check of an entry, when the twin noted it. */
export function signatureOf(entry: JournalEntry): Signature {
  const s = entry.notes?.signature as Record<string, unknown> | undefined;
  if (s && s.mode === 'time') return { kind: 'time', time: str(s.time) ?? '', lastCalledTime: str(s.lastCalledTime) ?? '' };
  if (s && typeof s.expected === 'string') {
    return {
      kind: 'query',
      mode: str(s.mode) ?? 'query',
      signed: str(s.signed) ?? '',
      formula: str(s.formula) ?? '',
      received: str(s.received) ?? '',
      expected: s.expected,
      ...(s.timeSigned !== undefined && { timeSigned: str(s.timeSigned) }),
      ...(s.hint !== undefined && { hint: str(s.hint) }),
    };
  }
  const ip = entry.notes?.ip as { caller?: unknown; whitelist?: unknown } | undefined;
  return { kind: 'none', query: queryText(entry), ...(ip && { ip: { caller: str(ip.caller) ?? '', whitelist: str(ip.whitelist) ?? '' } }) };
}

type Matched = { plugin: string; function: string; url?: string } | null;
export interface ChainStage {
  stage: string;
  atMs: number;
  durationMs?: number;
  plugin?: string;
  function?: string;
  /** Whatever else the stage recorded (what the plugin returned, the status ONES answered, …). */
  rest: Record<string, unknown>;
}
export type Interception =
  | { kind: 'none' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'chain'; matched: { prefix: Matched; replace: Matched; suffix: Matched }; stages: ChainStage[] };

/** ONES's interception chain of an entry, stage by stage, when the twin noted one. */
export function interceptionOf(entry: JournalEntry): Interception {
  const i = entry.notes?.interception as Record<string, unknown> | undefined;
  if (!i) return { kind: 'none' };
  if (typeof i.skipped === 'string') return { kind: 'skipped', reason: `Not intercepted: ${i.skipped}` };
  if (typeof i.refused === 'string') return { kind: 'skipped', reason: `Refused before any plugin: ${i.refused}` };
  const stages = (Array.isArray(i.stages) ? i.stages : []).map((raw): ChainStage => {
    const { stage, atMs, durationMs, plugin, function: fn, ...rest } = raw as Record<string, unknown>;
    return {
      stage: String(stage),
      atMs: Number(atMs),
      ...(typeof durationMs === 'number' && { durationMs }),
      ...(typeof plugin === 'string' && { plugin }),
      ...(typeof fn === 'string' && { function: fn }),
      rest,
    };
  });
  const m = (v: unknown) => (v && typeof v === 'object' ? (v as Matched) : null);
  return { kind: 'chain', matched: { prefix: m(i.prefix), replace: m(i.replace), suffix: m(i.suffix) }, stages };
}
