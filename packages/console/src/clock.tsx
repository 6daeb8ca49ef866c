import type { Clock } from '@doppel/clients/admin';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Admin, TwinInfo } from './api.ts';
import { describeError, type Say } from './shared.tsx';
import { advanceBody, durationText, tokenExpiry } from './views.ts';

type Unit = 'seconds' | 'minutes' | 'hours';

/** The twin's clock (`/__admin/clock`): what time the twin thinks it is, advance it, pass token expiry, put it back. */
export function ClockPanel({ twin, admin, say }: { twin: TwinInfo; admin: Admin; say: Say }) {
  const [clock, setClock] = useState<{ at: Clock; fetched: number }>();
  const [tick, setTick] = useState(Date.now());
  const [amount, setAmount] = useState(5);
  const [unit, setUnit] = useState<Unit>('minutes');
  const [fixtures, setFixtures] = useState<unknown>();

  const got = useCallback((at: Clock) => setClock({ at, fetched: Date.now() }), []);
  useEffect(() => {
    void admin.request<Clock>('GET', '/clock').then((r) => (r.data ? got(r.data) : say(`Clock: ${describeError(r.error)}`, true)));
    void admin.request<unknown>('GET', '/fixtures').then((r) => setFixtures(r.data));
    const timer = setInterval(() => setTick(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [admin, got, say]);

  const move = async (what: string, pending: ReturnType<Admin['advanceClock']>) => {
    const r = await pending;
    if (r.error) return say(`${what} failed: ${describeError(r.error)}`, true);
    got(r.data);
    say(`${twin.title}: ${what}; the twin's clock reads ${r.data.now}`);
  };
  const expiry = tokenExpiry(twin.name, fixtures);
  const now = clock ? new Date(Date.parse(clock.at.now) + (tick - clock.fetched)) : undefined;
  return (
    <section class="clock" aria-labelledby="clock-h">
      <h2 id="clock-h">Clock</h2>
      <p class="muted">
        The time {twin.title} reads for token lifetimes, expiry and timestamps. Only the twin's clock moves; the callers' own clocks do not.
      </p>
      <dl class="clock-now">
        <dt>Twin time</dt>
        <dd>
          <output aria-label="Twin time">{now ? now.toISOString().replace(/\.\d+Z$/, 'Z') : '…'}</output>
        </dd>
        <dt>Offset</dt>
        <dd>
          <output aria-label="Clock offset">
            {clock ? (clock.at.offsetMs === 0 ? 'none (real time)' : durationText(clock.at.offsetMs)) : '…'}
          </output>
        </dd>
      </dl>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void move(`clock advanced by ${amount} ${unit}`, admin.advanceClock(advanceBody(amount, unit)));
        }}
      >
        <label>
          Advance by{' '}
          <input
            aria-label="Advance by"
            class="clock-amount"
            type="number"
            min={1}
            value={amount}
            onInput={(e) => setAmount(Math.max(1, Number((e.target as HTMLInputElement).value) || 1))}
          />
        </label>
        <label>
          Unit{' '}
          <select aria-label="Unit" value={unit} onChange={(e) => setUnit((e.target as HTMLSelectElement).value as Unit)}>
            <option value="seconds">seconds</option>
            <option value="minutes">minutes</option>
            <option value="hours">hours</option>
          </select>
        </label>
        <button type="submit">Advance</button>
      </form>
      {expiry ? (
        <p class="row">
          <button
            type="button"
            class="primary"
            onClick={() => void move('advanced past token expiry', admin.advanceClock({ seconds: expiry.seconds }))}
          >
            Advance past token expiry (+{durationText(expiry.seconds * 1000)})
          </button>
          <span class="muted">{expiry.label}</span>
        </p>
      ) : (
        <p class="muted">{twin.title}'s tokens do not expire by time: no "past token expiry" here.</p>
      )}
      <p>
        <button type="button" class="danger" onClick={() => void move('clock reset to real time', admin.restoreClock())}>
          Reset clock
        </button>
      </p>
    </section>
  );
}
