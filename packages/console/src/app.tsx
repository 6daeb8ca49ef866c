import type { JournalEntry, KnownCaller, Rule, Scenarios } from '@doppel/clients/admin';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import {
  type Admin,
  adminOf,
  adminToken,
  callersText,
  type JournalView,
  loadConfig,
  matches,
  type Operation,
  operationsOf,
  type TwinInfo,
} from './api.ts';
import { ClockPanel } from './clock.tsx';
import { EntryDetail } from './entry.tsx';
import { FixturesPanel } from './fixtures.tsx';
import { PlatformView, platformViewOf } from './platform.tsx';
import { describeError, type Say } from './shared.tsx';
import { faultOf, shortTitle } from './views.ts';

export function App() {
  const [twins, setTwins] = useState<TwinInfo[]>();
  const [failed, setFailed] = useState<string>();
  const [current, setCurrent] = useState(0);
  const [message, setMessage] = useState<{ text: string; error: boolean }>();
  const [token, setToken] = useState(adminToken.get());
  useEffect(() => {
    loadConfig().then(setTwins, (err: Error) => setFailed(err.message));
  }, []);
  const say: Say = useCallback((text, error = false) => setMessage({ text, error }), []);
  const twin = twins?.[current];
  return (
    <>
      <header class="top">
        <h1>Doppel console</h1>
        <nav aria-label="Twins" class="tabs">
          {twins?.map((t, i) => (
            <button
              type="button"
              key={t.name}
              aria-pressed={i === current}
              aria-label={t.title}
              title={t.title}
              onClick={() => setCurrent(i)}
            >
              {shortTitle(t.title)}
            </button>
          ))}
        </nav>
        <label class="token">
          Admin token{' '}
          <input
            type="password"
            value={token}
            placeholder="only when bound beyond loopback"
            onChange={(e) => {
              const v = (e.target as HTMLInputElement).value.trim();
              adminToken.set(v);
              setToken(v);
            }}
          />
        </label>
      </header>
      <p class={`status ${message?.error ? 'error' : ''}`} role="status" aria-live="polite">
        {failed ? `Cannot reach the console's server: ${failed}` : (message?.text ?? '')}
      </p>
      {twin && <TwinView key={`${twin.name}/${token}`} twin={twin} say={say} />}
    </>
  );
}

function TwinView({ twin, say }: { twin: TwinInfo; say: Say }) {
  const admin = useMemo(() => adminOf(twin), [twin]);
  const [catalogue, setCatalogue] = useState<Scenarios>();
  const [operations, setOperations] = useState<Operation[]>([]);
  const [rules, setRules] = useState<Rule[]>([]);
  const [states, setStates] = useState<{ active: string | null; states: { name: string; description: string }[] }>();

  const refreshRules = useCallback(async () => {
    const r = await admin.rules();
    if (r.data) setRules(r.data.rules);
  }, [admin]);
  const refresh = useCallback(async () => {
    const [c, s, o] = await Promise.all([
      admin.scenarios(),
      admin.request<{ active: string | null; states: { name: string; description: string }[] }>('GET', '/states'),
      admin.openapi(),
    ]);
    if (c.error) return say(`${twin.title}: ${describeError(c.error)}`, true);
    setCatalogue(c.data);
    if (s.data) setStates(s.data);
    if (o.data) setOperations(operationsOf(o.data));
    await refreshRules();
  }, [admin, twin, say, refreshRules]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const act = async (what: string, pending: Promise<{ error?: unknown }>) => {
    const r = await pending;
    if (r.error) say(`${what} failed: ${describeError(r.error)}`, true);
    else say(what);
    await refresh();
    return !r.error;
  };
  const [panel, setPanel] = useState<Panel>('rules');
  const [tick, setTick] = useState(0);
  const onEntry = useCallback(
    (entry: JournalEntry) => {
      setTick((t) => t + 1);
      if (entry.rule) void refreshRules();
    },
    [refreshRules],
  );
  const platform = platformViewOf(twin.name);
  const panels: [Panel, string][] = [
    ['rules', 'Errors & rules'],
    ['fixtures', 'Fixtures'],
    ['clock', 'Clock'],
    ...(platform ? [['platform', platform] as [Panel, string]] : []),
  ];
  const wide = panel === 'fixtures';
  const rulesPanel = (
    <>
      {catalogue && <MakeFail catalogue={catalogue} operations={operations} onAdd={(rule, text) => act(text, admin.addRule(rule))} />}
      <Rules
        rules={rules}
        onRemove={(r) => act(`Removed: ${r.summary}`, admin.removeRule(r.id))}
        onClear={() => act('Removed every rule', admin.clearRules())}
      />
      {states && (
        <section aria-labelledby="states-h">
          <h2 id="states-h">Named states</h2>
          <ul class="states">
            {states.states.map((s) => (
              <li key={s.name}>
                <button
                  type="button"
                  aria-pressed={states.active === s.name}
                  onClick={() => act(`State ${s.name} selected`, admin.useState(s.name))}
                >
                  {s.name}
                </button>
                <span>{s.description}</span>
              </li>
            ))}
          </ul>
          <button type="button" class="danger" onClick={() => act(`${twin.title} reset`, admin.reset())}>
            Reset {twin.title}
          </button>
        </section>
      )}
      {catalogue && <Catalogue catalogue={catalogue} />}
    </>
  );

  return (
    <main class={`twin ${wide ? 'wide' : panel === 'platform' ? 'roomy' : ''}`}>
      <section class="controls" aria-label={`${twin.title} controls`}>
        <p class="where">
          {twin.title} answers at <code>{twin.url}</code> ·{' '}
          <a href={`reference.html?twin=${encodeURIComponent(twin.name)}`} target="_blank" rel="noopener">
            API reference
          </a>
        </p>
        <nav class="panels" aria-label={`${twin.title} views`}>
          {panels.map(([id, label]) => (
            <button type="button" key={id} aria-pressed={panel === id} onClick={() => setPanel(id)}>
              {label}
            </button>
          ))}
        </nav>
        {panel === 'fixtures' && <FixturesPanel twin={twin} admin={admin} say={say} onChanged={() => void refresh()} />}
        {panel === 'clock' && <ClockPanel twin={twin} admin={admin} say={say} />}
        {panel === 'platform' && <PlatformView twin={twin} admin={admin} say={say} tick={tick} />}
        {panel === 'rules' && rulesPanel}
      </section>
      <Journal admin={admin} twin={twin.name} callers={catalogue?.callers ?? []} onEntry={onEntry} say={say} />
    </main>
  );
}

type Panel = 'rules' | 'fixtures' | 'clock' | 'platform';

type Times = 'once' | 'n' | 'forever';

function MakeFail({
  catalogue,
  operations,
  onAdd,
}: {
  catalogue: Scenarios;
  operations: Operation[];
  onAdd: (rule: Parameters<Admin['addRule']>[0], text: string) => Promise<boolean>;
}) {
  const [op, setOp] = useState('');
  const [caller, setCaller] = useState('');
  const [scenario, setScenario] = useState(catalogue.scenarios[0]?.name ?? '');
  const [times, setTimes] = useState<Times>('once');
  const [n, setN] = useState(3);
  const [answer, setAnswer] = useState<'error' | 'fault'>('error');
  const [fault, setFault] = useState<'delay' | 'status' | 'drop'>('status');
  const [delay, setDelay] = useState(0);
  const [faultMs, setFaultMs] = useState(2000);
  const [status, setStatus] = useState(503);
  const [faultBody, setFaultBody] = useState('');
  const chosen = op === '' ? undefined : operations[Number(op)];
  const who = catalogue.callers.find((c) => `${c.kind}:${c.id}` === caller);
  const howMany = times === 'once' ? 'once' : times === 'n' ? `${n} times` : 'until cleared';
  const target = `${chosen ? `${chosen.method} ${chosen.path}` : 'request'}${who ? ` from ${who.kind} ${who.id}` : ''}`;
  const outcome =
    answer === 'error'
      ? `fail with ${scenario}${delay > 0 ? ` after ${delay} ms` : ''}`
      : fault === 'delay'
        ? `wait ${faultMs} ms, then get the normal answer`
        : fault === 'drop'
          ? 'be dropped (the connection closes, no answer)'
          : `answer HTTP ${status}${faultBody.trim() ? ' with that body' : ''}`;
  const sentence = `Make the next ${target} ${outcome}, ${howMany}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    const what =
      answer === 'error'
        ? { scenario, ...(delay > 0 && { fault: { type: 'delay' as const, ms: delay } }) }
        : { fault: faultOf(fault, faultMs, status, faultBody) };
    await onAdd(
      {
        ...what,
        ...(chosen && { match: { method: chosen.method, path: chosen.path } }),
        ...(who && { caller: { [who.kind]: who.id } }),
        ...(times !== 'forever' && { times: times === 'once' ? 1 : n }),
      },
      `Rule added: ${sentence}`,
    );
  };
  const num = (set: (v: number) => void, min: number) => (e: Event) =>
    set(Math.max(min, Number((e.target as HTMLInputElement).value) || min));
  return (
    <form class="make-fail" onSubmit={submit} aria-labelledby="fail-h">
      <h2 id="fail-h">Make the next … fail with …</h2>
      <label>
        Request
        <select aria-label="Request" value={op} onChange={(e) => setOp((e.target as HTMLSelectElement).value)}>
          <option value="">any request</option>
          {operations.map((o, i) => (
            <option key={`${o.method} ${o.path}`} value={String(i)}>
              {o.method} {o.path}
            </option>
          ))}
        </select>
      </label>
      <label>
        Caller
        <select aria-label="Caller" value={caller} onChange={(e) => setCaller((e.target as HTMLSelectElement).value)}>
          <option value="">any caller</option>
          {catalogue.callers.map((c: KnownCaller) => (
            <option key={`${c.kind}:${c.id}`} value={`${c.kind}:${c.id}`}>
              {c.kind} {c.id}
              {c.name ? ` (${c.name})` : ''}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Answer with</legend>
        <label class="inline">
          <input type="radio" name="answer" value="error" checked={answer === 'error'} onChange={() => setAnswer('error')} /> the platform's
          error
        </label>
        <label class="inline">
          <input type="radio" name="answer" value="fault" checked={answer === 'fault'} onChange={() => setAnswer('fault')} /> a generic
          fault
        </label>
      </fieldset>
      {answer === 'error' ? (
        <>
          <label>
            Error
            <select aria-label="Error" value={scenario} onChange={(e) => setScenario((e.target as HTMLSelectElement).value)}>
              {catalogue.scenarios.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name} · HTTP {s.status} · {s.description}
                </option>
              ))}
            </select>
          </label>
          <label>
            Delay before answering (ms, 0 for none)
            <input aria-label="Delay before answering (ms)" type="number" min={0} step={100} value={delay} onInput={num(setDelay, 0)} />
          </label>
        </>
      ) : (
        <>
          <label>
            Fault
            <select aria-label="Fault" value={fault} onChange={(e) => setFault((e.target as HTMLSelectElement).value as typeof fault)}>
              <option value="status">HTTP status (any body)</option>
              <option value="delay">delay (then the normal answer)</option>
              <option value="drop">drop (close the connection, no answer)</option>
            </select>
          </label>
          {fault === 'delay' && (
            <label>
              Delay (ms)
              <input aria-label="Delay (ms)" type="number" min={1} step={100} value={faultMs} onInput={num(setFaultMs, 1)} />
            </label>
          )}
          {fault === 'status' && (
            <>
              <label>
                HTTP status
                <input aria-label="HTTP status" type="number" min={100} max={599} value={status} onInput={num(setStatus, 100)} />
              </label>
              <label>
                Response body (JSON or text; empty for none)
                <textarea
                  aria-label="Response body"
                  rows={3}
                  value={faultBody}
                  onInput={(e) => setFaultBody((e.target as HTMLTextAreaElement).value)}
                />
              </label>
            </>
          )}
        </>
      )}
      <fieldset>
        <legend>How many</legend>
        {(
          [
            ['once', 'once'],
            ['n', 'N times'],
            ['forever', 'until cleared'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} class="inline">
            <input type="radio" name="times" value={value} checked={times === value} onChange={() => setTimes(value)} /> {label}
          </label>
        ))}
        {times === 'n' && (
          <input
            aria-label="N"
            type="number"
            min={1}
            value={n}
            onInput={(e) => setN(Math.max(1, Number((e.target as HTMLInputElement).value) || 1))}
          />
        )}
      </fieldset>
      <p class="sentence">{sentence}</p>
      <button type="submit" class="primary">
        Add rule
      </button>
    </form>
  );
}

function Rules({ rules, onRemove, onClear }: { rules: Rule[]; onRemove: (r: Rule) => void; onClear: () => void }) {
  return (
    <section aria-labelledby="rules-h">
      <h2 id="rules-h">Active rules ({rules.length})</h2>
      {rules.length === 0 ? (
        <p class="muted">No rule: every request gets the twin's normal answer.</p>
      ) : (
        <ul class="rules">
          {rules.map((r) => (
            <li key={r.id}>
              <span class="summary">{r.summary}</span>
              <span class="muted">
                {r.id} · hits {r.hits}
                {r.remaining !== undefined ? ` · ${r.remaining} left` : ''}
              </span>
              <button type="button" aria-label={`Remove rule ${r.summary}`} onClick={() => onRemove(r)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {rules.length > 1 && (
        <button type="button" onClick={onClear}>
          Remove all
        </button>
      )}
    </section>
  );
}

function Catalogue({ catalogue }: { catalogue: Scenarios }) {
  return (
    <details class="catalogue">
      <summary>Error catalogue ({catalogue.scenarios.length})</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">name</th>
            <th scope="col">HTTP</th>
            <th scope="col">what the platform says</th>
          </tr>
        </thead>
        <tbody>
          {catalogue.scenarios.map((s) => (
            <tr key={s.name}>
              <td>
                <code>{s.name}</code>
              </td>
              <td>{s.status}</td>
              <td>{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

const LIMIT = 200;

function Journal({
  admin,
  twin,
  callers,
  onEntry,
  say,
}: {
  admin: Admin;
  twin: string;
  callers: KnownCaller[];
  onEntry: (entry: JournalEntry) => void;
  say: Say;
}) {
  const [entries, setEntries] = useState<JournalEntry[]>([]);
  const [live, setLive] = useState(false);
  const [filter, setFilter] = useState<JournalView>({ caller: '', path: '', status: '' });
  const [open, setOpen] = useState<number>();
  useEffect(() => {
    const stop = new AbortController();
    const add = (more: JournalEntry[]) =>
      setEntries((had) => {
        const seen = new Set(had.map((e) => e.id));
        return [...more.filter((e) => !seen.has(e.id)), ...had].sort((a, b) => b.id - a.id).slice(0, LIMIT);
      });
    (async () => {
      try {
        for await (const event of admin.watchJournal({}, { signal: stop.signal })) {
          if (event.type === 'ready') {
            setLive(true);
            const r = await admin.journal({ limit: LIMIT });
            if (r.data) add(r.data.entries);
          } else if (event.type === 'cleared') setEntries([]);
          else {
            add([event.entry]);
            onEntry(event.entry);
          }
        }
      } catch (err) {
        if (!stop.signal.aborted) say(`The live journal stopped: ${(err as Error).message}`, true);
      } finally {
        setLive(false);
      }
    })();
    return () => stop.abort();
  }, [admin, onEntry, say]);
  const shown = entries.filter((e) => matches(e, filter));
  const entry = entries.find((e) => e.id === open);
  const set = (k: keyof JournalView) => (e: Event) => setFilter({ ...filter, [k]: (e.target as HTMLInputElement).value });
  return (
    <section class="journal" aria-labelledby="journal-h">
      <h2 id="journal-h">
        Live journal <span class={`live ${live ? 'on' : ''}`}>{live ? '● live' : '○ connecting'}</span>
      </h2>
      <div class="filters">
        <label>
          Caller
          <input
            aria-label="Filter by caller"
            list="known-callers"
            value={filter.caller}
            onInput={set('caller')}
            placeholder="app:dingdoppelselfbuilt"
          />
        </label>
        <datalist id="known-callers">
          {callers.map((c) => (
            <option key={`${c.kind}:${c.id}`} value={`${c.kind}:${c.id}`} />
          ))}
        </datalist>
        <label>
          Path
          <input aria-label="Filter by path" value={filter.path} onInput={set('path')} placeholder="invoke, or /v1.0/*" />
        </label>
        <label>
          Status
          <input aria-label="Filter by status" value={filter.status} onInput={set('status')} placeholder="403, 4xx" size={5} />
        </label>
      </div>
      <table class="entries">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">request</th>
            <th scope="col">status</th>
            <th scope="col">callers</th>
            <th scope="col">rule</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.id} class={`${e.status >= 400 || e.status === 0 ? 'bad' : ''} ${e.id === open ? 'open' : ''}`} data-entry={e.id}>
              <td>{e.id}</td>
              <td>
                <button type="button" class="link" aria-expanded={e.id === open} onClick={() => setOpen(e.id === open ? undefined : e.id)}>
                  {e.method} {e.path}
                </button>
              </td>
              <td>
                {e.status}
                {e.error ? ` ${e.error}` : ''}
              </td>
              <td class="callers">{callersText(e)}</td>
              <td class="rule">{e.ruleSummary ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && (
        <p class="muted">{entries.length ? 'No request matches the filters.' : 'No request yet: call the twin and it shows here.'}</p>
      )}
      {entry && <EntryDetail entry={entry} admin={admin} twin={twin} onClose={() => setOpen(undefined)} />}
    </section>
  );
}
