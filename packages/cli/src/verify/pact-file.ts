import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PactExpectation } from '@doppel/mock-kit';
import { VerifyError } from './twins.ts';

export interface PactInteraction extends PactExpectation {
  /** Provider states, in order, with their params. */
  states: { name: string; params: Record<string, unknown> }[];
}

export interface PactFile {
  file: string;
  consumer: string;
  provider: string;
  interactions: PactInteraction[];
}

/** The files named, plus every `*.json` of `--pact-dir`, each once. */
export function pactPaths(files: string[], dir?: string): string[] {
  const out = files.map((f) => resolve(f));
  if (dir !== undefined) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      throw new VerifyError(`--pact-dir ${dir}: no such folder`);
    }
    for (const n of names.filter((n) => n.endsWith('.json')).sort()) out.push(resolve(join(dir, n)));
  }
  return [...new Set(out)];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A pact body: v4 wraps it as `{content, contentType, encoded}`, v2/v3 give it as is. */
function bodyOf(b: unknown): unknown {
  return isObject(b) && 'content' in b && ('contentType' in b || 'encoded' in b) ? b.content : b;
}

function headersOf(h: unknown): Record<string, string> {
  if (!isObject(h)) return {};
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
}

/** v3/v4 keep the query as a map of name → values; v2 as a string. */
function queryOf(q: unknown): Record<string, string[]> {
  if (typeof q === 'string') {
    const out: Record<string, string[]> = {};
    for (const [k, v] of new URLSearchParams(q)) out[k] = [...(out[k] ?? []), v];
    return out;
  }
  if (!isObject(q)) return {};
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map(String)]));
}

/** Read a pact file (spec v2, v3 or v4; HTTP interactions only). */
export function readPact(file: string): PactFile {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new VerifyError(
      `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not a pact (${(err as Error).message})`}`,
    );
  }
  if (!isObject(doc) || !isObject(doc.provider) || !Array.isArray(doc.interactions)) {
    throw new VerifyError(`${file}: not a pact file (no provider or interactions)`);
  }
  const interactions: PactInteraction[] = [];
  for (const raw of doc.interactions) {
    if (!isObject(raw) || !isObject(raw.request) || !isObject(raw.response)) continue; // message interactions
    if (raw.type !== undefined && raw.type !== 'Synchronous/HTTP') continue;
    const req = raw.request;
    const res = raw.response;
    const states = Array.isArray(raw.providerStates)
      ? raw.providerStates.filter(isObject).map((s) => ({ name: String(s.name), params: isObject(s.params) ? s.params : {} }))
      : typeof raw.providerState === 'string'
        ? [{ name: raw.providerState, params: {} }]
        : [];
    interactions.push({
      description: String(raw.description ?? ''),
      states,
      method: String(req.method ?? 'GET').toUpperCase(),
      path: String(req.path ?? '/'),
      query: queryOf(req.query),
      headers: headersOf(req.headers),
      body: bodyOf(req.body),
      expected: {
        ...(typeof res.status === 'number' && { status: res.status }),
        headers: headersOf(res.headers),
        body: bodyOf(res.body),
      },
    });
  }
  return {
    file,
    consumer: isObject(doc.consumer) ? String(doc.consumer.name ?? '') : '',
    provider: String(doc.provider.name ?? ''),
    interactions,
  };
}
