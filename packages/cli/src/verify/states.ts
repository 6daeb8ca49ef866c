import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { VerifyError } from './twins.ts';

/** A team's provider state mapped to a twin state: `states.yaml`, the team's name → `{ state, params }`. */
export interface StateMapping {
  state: string;
  params: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Read `--states states.yaml`:
 *
 *   the chatbot is installed in ZenTao:
 *     state: the default fixtures
 *     params: { code: chatbot, key: … }
 *   zentao is up: the default fixtures      # a bare name: the state without params
 *
 * Mappings may also be grouped by twin (`zentao: { … }`), for one file across several providers.
 */
export function readStates(file: string): Record<string, Record<string, StateMapping>> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new VerifyError(
      `--states ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  if (doc === null || doc === undefined) return { '*': {} };
  if (!isObject(doc)) throw new VerifyError(`--states ${file}: expected a map of your state names to twin states`);
  const out: Record<string, Record<string, StateMapping>> = { '*': {} };
  const add = (group: string, name: string, v: unknown) => {
    out[group] ??= {};
    if (typeof v === 'string') out[group][name] = { state: v, params: {} };
    else if (isObject(v) && typeof v.state === 'string') out[group][name] = { state: v.state, params: isObject(v.params) ? v.params : {} };
    else throw new VerifyError(`--states ${file}: "${name}" must be a twin state name or { state, params }`);
  };
  for (const [name, v] of Object.entries(doc)) {
    if (isObject(v) && typeof v.state !== 'string') for (const [n, m] of Object.entries(v)) add(name, n, m);
    else add('*', name, v);
  }
  return out;
}

/** The twin state a pact's state means: the twin's own name as is, else the mapping; undefined when neither. */
export function resolveState(
  name: string,
  params: Record<string, unknown>,
  twinStates: string[],
  mapping: Record<string, StateMapping>,
): StateMapping | undefined {
  const mapped = mapping[name];
  if (mapped) return { state: mapped.state, params: { ...mapped.params, ...params } };
  if (twinStates.includes(name)) return { state: name, params };
  return undefined;
}
