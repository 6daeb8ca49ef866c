// One journal entry opened: request, response, callers, the rule that forced it, and what the twin noted about it —
// ZenTao's signature debugger, ONES's interception chain stage by stage, DingTalk's execution record.
import type { JournalEntry } from '@doppel/clients/admin';
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type Admin, callersText } from './api.ts';
import { show } from './shared.tsx';
import { interceptionOf, signatureOf } from './notes.ts';

export function EntryDetail({ entry, admin, twin, onClose }: { entry: JournalEntry; admin: Admin; twin: string; onClose: () => void }) {
  return (
    <article class="detail" aria-label={`Journal entry ${entry.id}`}>
      <header>
        <h3>
          #{entry.id} {entry.method} {entry.path} → {entry.status}
          {entry.error ? ` ${entry.error}` : ''}
        </h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <dl>
        <dt>time</dt>
        <dd>
          {entry.time} · {entry.durationMs} ms
        </dd>
        <dt>callers</dt>
        <dd>{callersText(entry) || '(none known)'}</dd>
        <dt>rule</dt>
        <dd class="rule">
          {entry.rule
            ? `${entry.rule}: ${entry.ruleSummary ?? ''}`
            : entry.scenario
              ? `x-doppel-scenario ${entry.scenario}`
              : '(none: the twin answered)'}
        </dd>
      </dl>
      {twin === 'zentao' && <SignatureDebugger entry={entry} />}
      {twin === 'ones' && <InterceptionChain entry={entry} />}
      {twin === 'dingtalk' && typeof entry.notes?.execution === 'string' && <Execution admin={admin} id={entry.notes.execution} />}
      <div class="exchange">
        <div>
          <h4>Request</h4>
          <pre>{show({ body: entry.body, query: entry.query, headers: entry.headers })}</pre>
        </div>
        <div>
          <h4>Response</h4>
          <pre>{show(entry.responseBody)}</pre>
          {entry.notes && (
            <>
              <h4>Notes</h4>
              <pre>{show(entry.notes)}</pre>
            </>
          )}
        </div>
      </div>
    </article>
  );
}

/** ZenTao's entry check as the twin computed it: what was signed, the token received and the one expected. */
function SignatureDebugger({ entry }: { entry: JournalEntry }) {
  const sig = signatureOf(entry);
  return (
    <section class="debugger" aria-label="Signature debugger">
      <h4>Signature debugger</h4>
      {sig.kind === 'query' ? (
        <dl>
          <dt>mode</dt>
          <dd>{sig.mode}</dd>
          <dt>signed query</dt>
          <dd>
            <code class="signed">{sig.signed}</code>
          </dd>
          <dt>formula</dt>
          <dd>
            <code>{sig.formula}</code> (key: the app's, from the fixtures)
          </dd>
          <dt>received</dt>
          <dd>
            <code class="bad">{sig.received}</code>
          </dd>
          <dt>expected</dt>
          <dd>
            <code class="ok">{sig.expected}</code>
          </dd>
          {sig.timeSigned && (
            <>
              <dt>time token</dt>
              <dd>
                <code>md5({sig.timeSigned})</code> did not match either
              </dd>
            </>
          )}
          {sig.hint && (
            <>
              <dt>hint</dt>
              <dd class="hint">{sig.hint}</dd>
            </>
          )}
        </dl>
      ) : sig.kind === 'time' ? (
        <p>
          Time token: <code>time={sig.time}</code> is not after the app's last called time <code>{sig.lastCalledTime}</code> (ZenTao refuses
          a replayed or older time).
        </p>
      ) : (
        <p class="muted">
          The twin records its signature computation only when the check fails; this entry{' '}
          {sig.ip ? 'was refused by the IP whitelist' : 'holds none'}
          {sig.ip ? ` (caller ${sig.ip.caller}, whitelist ${sig.ip.whitelist})` : ''}. Its query, as received:{' '}
          <code>{sig.query || '(empty)'}</code>
        </p>
      )}
    </section>
  );
}

/** Milliseconds to two decimals (the chain's timings are performance.now() differences). */
const ms = (v: number) => Math.round(v * 100) / 100;

/** ONES's interception chain: which plugin functions matched, and each stage with its timing and result. */
function InterceptionChain({ entry }: { entry: JournalEntry }) {
  const chain = interceptionOf(entry);
  return (
    <section class="chain" aria-label="Interception chain">
      <h4>Interception chain</h4>
      {chain.kind === 'none' ? (
        <p class="muted">No plugin intercepts this request: ONES answered it directly (the entry records no chain).</p>
      ) : chain.kind === 'skipped' ? (
        <p>{chain.reason}</p>
      ) : (
        <>
          <p>
            {(['prefix', 'replace', 'suffix'] as const).map((k) => (
              <span key={k} class="chip">
                {k}: {chain.matched[k] ? `${chain.matched[k].plugin}.${chain.matched[k].function}` : '—'}
              </span>
            ))}
          </p>
          <ol class="stages">
            {chain.stages.map((s, i) => (
              <li key={i}>
                <strong>{s.stage}</strong>
                {s.plugin ? ` ${s.plugin}.${s.function ?? ''}` : ''}{' '}
                <span class="muted">
                  at {ms(s.atMs)} ms{s.durationMs !== undefined ? `, took ${ms(s.durationMs)} ms` : ''}
                </span>
                {Object.keys(s.rest).length > 0 && <pre>{show(s.rest)}</pre>}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

interface ExecutionRecord {
  instanceId: string;
  [k: string]: unknown;
}

/** DingTalk's execution record of an invoke (`GET /__admin/executions`), by the id the journal noted. */
function Execution({ admin, id }: { admin: Admin; id: string }) {
  const [record, setRecord] = useState<ExecutionRecord | null>();
  useEffect(() => {
    void admin
      .request<{ executions: ExecutionRecord[] }>('GET', '/executions')
      .then((r) => setRecord(r.data?.executions.find((e) => e.instanceId === id) ?? null));
  }, [admin, id]);
  return (
    <section class="execution" aria-label="Execution record">
      <h4>Execution record {id}</h4>
      {record === undefined ? (
        <p class="muted">Loading…</p>
      ) : record === null ? (
        <p class="muted">The twin no longer holds it (the execution records are bounded, and cleared on reset).</p>
      ) : (
        <dl>
          {Object.entries(record).map(([k, v]) => (
            <Fragment key={k}>
              <dt>{k}</dt>
              <dd>{typeof v === 'object' && v !== null ? <pre>{show(v)}</pre> : String(v)}</dd>
            </Fragment>
          ))}
        </dl>
      )}
    </section>
  );
}
