import { problemsOf } from './views.ts';

/** The status line: what an action did, or why it failed. */
export type Say = (text: string, error?: boolean) => void;

/** A refused admin call in one line: `code: message (details)`. */
export const describeError = (err: unknown) => {
  const e = err as { code?: string; message?: string; details?: unknown };
  const problems = problemsOf(e.details);
  const known =
    problems.length > 0
      ? ''
      : Array.isArray(e.details)
        ? ` (${e.details.map((d) => (typeof d === 'object' && d ? Object.values(d).join(' ') : String(d))).join(', ')})`
        : '';
  return `${e.code ? `${e.code}: ` : ''}${(e.message ?? String(err)).split('\n')[0]}${known}`;
};

/** The path and reason of each problem a twin found (fixtures, YAML), as a list a person can read. */
export function Problems({ details, label }: { details: unknown; label: string }) {
  const problems = problemsOf(details);
  if (problems.length === 0) return null;
  return (
    <ul class="problems" aria-label={label}>
      {problems.map((p) => (
        <li key={`${p.path} ${p.reason}`}>
          <code class="path">{p.path || '(document)'}</code> <span class="reason">{p.reason}</span>
        </li>
      ))}
    </ul>
  );
}

/** A JSON value for a <pre>: a string as is, else indented JSON. */
export const show = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v, null, 2));
