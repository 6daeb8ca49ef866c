import { useCallback, useEffect, useState } from 'preact/hooks';
import { type Admin, type AdminFailure, sendFixtures, type TwinInfo } from './api.ts';
import { describeError, Problems, type Say } from './shared.tsx';
import { cellText, type FixtureTable, tablesOf, toYaml } from './views.ts';

type Format = 'yaml' | 'json';

const textOf = (fixtures: unknown, format: Format) => (format === 'yaml' ? toYaml(fixtures) : `${JSON.stringify(fixtures, null, 2)}\n`);

/** The twin's live fixtures (`GET /__admin/fixtures`) as tables, and an editor that replaces them (`PUT`, YAML or JSON). */
export function FixturesPanel({ twin, admin, say, onChanged }: { twin: TwinInfo; admin: Admin; say: Say; onChanged: () => void }) {
  const [fixtures, setFixtures] = useState<unknown>();
  const [format, setFormat] = useState<Format>('yaml');
  const [text, setText] = useState('');
  const [failure, setFailure] = useState<AdminFailure>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async (as: Format) => {
      const r = await admin.request<unknown>('GET', '/fixtures');
      if (r.error) return say(`Fixtures: ${describeError(r.error)}`, true);
      setFixtures(r.data);
      setText(textOf(r.data, as));
      setFailure(undefined);
    },
    [admin, say],
  );
  useEffect(() => {
    void load('yaml');
  }, [load]);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const r = await sendFixtures(twin, text, format);
    setBusy(false);
    if (r.error) {
      setFailure(r.error);
      say(`Fixtures refused: ${describeError(r.error)}`, true);
      return;
    }
    say(`${twin.title}: fixtures replaced (the twin re-seeded from them)`);
    await load(format);
    onChanged();
  };

  const tables = fixtures === undefined ? [] : tablesOf(fixtures);
  return (
    <div class="fixtures">
      <section aria-labelledby="fixtures-h">
        <h2 id="fixtures-h">Fixtures</h2>
        <p class="muted">
          What {twin.title} is seeded from. Editing replaces them (<code>PUT /__admin/fixtures</code>): the twin re-seeds, as on reset.
        </p>
        <nav class="jump" aria-label="Fixtures tables">
          {tables.map((t) => (
            <a key={t.name} href={`#fx-${t.name}`}>
              {t.name}
              {t.kind === 'rows' ? ` (${t.rows.length})` : ''}
            </a>
          ))}
        </nav>
        {tables.map((t) => (
          <Table key={t.name} table={t} />
        ))}
      </section>
      <form class="editor" onSubmit={save} aria-labelledby="editor-h">
        <h2 id="editor-h">Edit the fixtures</h2>
        <fieldset class="inline-set">
          <legend>Format</legend>
          {(['yaml', 'json'] as const).map((f) => (
            <label key={f} class="inline">
              <input
                type="radio"
                name="fixtures-format"
                value={f}
                checked={format === f}
                onChange={() => {
                  setFormat(f);
                  if (fixtures !== undefined) setText(textOf(fixtures, f));
                }}
              />{' '}
              {f.toUpperCase()}
            </label>
          ))}
        </fieldset>
        <label class="block">
          Fixtures ({format.toUpperCase()})
          <textarea
            aria-label="Fixtures text"
            spellcheck={false}
            rows={24}
            value={text}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
          />
        </label>
        {failure && (
          <div class="refused" role="alert">
            <p>
              <strong>{failure.code ?? 'refused'}</strong>: {(failure.message ?? '').split('\n')[0]}
            </p>
            <Problems details={failure.details} label="Fixtures problems" />
          </div>
        )}
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            Replace fixtures
          </button>
          <button type="button" onClick={() => void load(format)}>
            Reload from the twin
          </button>
        </div>
      </form>
    </div>
  );
}

function Table({ table }: { table: FixtureTable }) {
  return (
    <section class="fx-table" id={`fx-${table.name}`} aria-label={`Fixtures ${table.name}`}>
      <h3>
        {table.name}
        {table.kind === 'rows' ? ` (${table.rows.length})` : ''}
      </h3>
      {table.kind === 'rows' ? (
        table.rows.length === 0 ? (
          <p class="muted">(none)</p>
        ) : (
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  {table.columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((r, i) => (
                  <tr key={i}>
                    {table.columns.map((c) => (
                      <td key={c} title={typeof r[c] === 'object' ? JSON.stringify(r[c]) : undefined}>
                        {cellText(r[c])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : table.kind === 'fields' ? (
        <table>
          <tbody>
            {table.fields.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{cellText(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>
          <code>{cellText(table.value)}</code>
        </p>
      )}
    </section>
  );
}
