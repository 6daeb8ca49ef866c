import type { Explanation, VerifyReport } from './engine.ts';

const show = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));
const clip = (s: string, n = 400) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The explanation of one failed interaction, in the platform's terms (printed after the verifier's own diff). */
export function formatExplanation(x: Explanation, indent = '    '): string[] {
  const lines = [`${indent}cause: ${x.cause}`];
  if (x.unmappedStates) {
    lines.push(`${indent}map it in --states states.yaml (your name: { state: <twin state>, params: {…} }); the twin's states:`);
    for (const s of x.twinStates ?? []) lines.push(`${indent}  - ${s.name}: ${s.description}`);
  }
  if (x.received) {
    lines.push(
      `${indent}the twin received: ${x.received.method} ${x.received.url}${x.received.body === undefined ? '' : ` ${clip(show(x.received.body), 300)}`}`,
    );
  }
  if (x.answered) {
    const why = [x.answered.error, x.answered.scenario && `scenario ${x.answered.scenario}`].filter(Boolean).join(', ');
    lines.push(`${indent}it answered: ${x.answered.status} ${clip(show(x.answered.body))}${why ? ` (${why})` : ''}`);
  }
  for (const [name, note] of Object.entries(x.notes ?? {})) lines.push(`${indent}its ${name} notes: ${clip(show(note), 600)}`);
  for (const d of x.knownDifferences) lines.push(`${indent}known difference (${d.readme}): ${d.difference}`);
  return lines;
}

/** The human report: one line per pact, the explanation of every failed interaction, a verdict. */
export function formatReport(r: VerifyReport): string {
  const lines: string[] = [];
  for (const p of r.pacts) {
    const failed = p.interactions.filter((i) => !i.ok);
    const head = `${p.ok ? 'ok  ' : 'FAIL'} ${p.consumer || '(broker)'} → ${p.provider} against the ${p.twin} twin (${p.source})`;
    lines.push(
      p.error
        ? `${head}: the verifier could not run: ${p.error}`
        : `${head}: ${p.interactions.length - failed.length} of ${p.interactions.length} interactions verified`,
    );
    for (const i of failed) {
      lines.push(`  ✗ ${i.description}${i.states.length ? ` (given ${i.states.join(', ')})` : ''}`);
      for (const m of i.mismatches) lines.push(`    verifier: ${m}`);
      if (i.explanation) lines.push(...formatExplanation(i.explanation));
    }
  }
  const all = r.pacts.flatMap((p) => p.interactions);
  const failed = all.filter((i) => !i.ok).length;
  lines.push(
    r.ok
      ? `doppel verify: ${r.pacts.length} pact${r.pacts.length === 1 ? '' : 's'}, ${all.length} interactions verified`
      : `doppel verify: ${failed} of ${all.length} interactions failed${r.pacts.some((p) => p.error) ? ', or the verifier could not run' : ''}`,
  );
  return lines.join('\n');
}
