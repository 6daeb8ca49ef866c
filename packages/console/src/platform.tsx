// The platform views (issue 13): DingTalk's grants per organisation, ZenTao's inbox as each user sees it, the OAuth
// tokens issued, ONES's plugins and their rules. Each reads the twin's own admin routes, and reloads when the live
// journal sees a request (`tick`).
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Admin, TwinInfo } from './api.ts';
import { describeError, type Say } from './shared.tsx';
import { cellText, dingtalkAssets, shortToken } from './views.ts';

interface ViewProps {
  twin: TwinInfo;
  admin: Admin;
  say: Say;
  /** Changes whenever the journal sees a request: time to reload. */
  tick: number;
}

/** The tab label of a twin's platform view, when it has one. */
export const platformViewOf = (twin: string): string | undefined =>
  ({ dingtalk: 'Grants', zentao: 'Inbox', oauth: 'Tokens', ones: 'Plugins' })[twin];

export function PlatformView(props: ViewProps) {
  switch (props.twin.name) {
    case 'dingtalk':
      return <DingTalkGrants {...props} />;
    case 'zentao':
      return <ZentaoInbox {...props} />;
    case 'oauth':
      return <OAuthTokens {...props} />;
    case 'ones':
      return <OnesPlugins {...props} />;
    default:
      return null;
  }
}

/** Read `path` from the admin API, again on every `tick`; failures go to the status line. */
function useAdmin<T>(admin: Admin, path: string, say: Say, tick: number): [T | undefined, () => Promise<void>] {
  const [data, setData] = useState<T>();
  const load = useCallback(async () => {
    const r = await admin.request<T>('GET', path);
    if (r.error) say(`${path}: ${describeError(r.error)}`, true);
    else setData(r.data);
  }, [admin, path, say]);
  useEffect(() => {
    void load();
  }, [load, tick]);
  return [data, load];
}

const value = (e: Event) => (e.target as HTMLSelectElement).value;

// ——— DingTalk ———

interface DingTalkFixtures {
  orgs: { corpId: string; name: string }[];
  apps: { appKey: string; name: string; corpId: string }[];
  suites: { suiteKey: string; name: string; installedCorpIds: string[] }[];
}
interface Authorization {
  corpId: string;
  clientId: string;
  connectAssetUri: string;
  authorized: boolean;
}

function DingTalkGrants({ admin, say, tick }: ViewProps) {
  const [fixtures] = useAdmin<DingTalkFixtures & Record<string, unknown>>(admin, '/fixtures', say, 0);
  const [list, reload] = useAdmin<{ authorizations: Authorization[] }>(admin, '/authorizations', say, tick);
  const [corp, setCorp] = useState('');
  const [client, setClient] = useState('');
  const [uri, setUri] = useState('');
  if (!fixtures) return <p class="muted">Loading…</p>;
  const assets = dingtalkAssets(fixtures);
  const clients = [
    ...fixtures.apps.map((a) => ({ id: a.appKey, label: `app ${a.appKey} (${a.name}, self-built)`, corps: [a.corpId] })),
    ...fixtures.suites.map((s) => ({ id: s.suiteKey, label: `suite ${s.suiteKey} (${s.name})`, corps: s.installedCorpIds })),
  ];
  const corpId = corp || fixtures.orgs[0]?.corpId || '';
  const clientId = client || clients[0]?.id || '';
  const assetUri = uri || assets[0]?.uri || '';
  const assetName = (u: string) => assets.find((a) => a.uri === u)?.name ?? u;
  const clientName = (id: string) => clients.find((c) => c.id === id)?.label ?? id;
  const decide = async (grant: boolean, body: { corpId: string; clientId: string; connectAssetUri: string }) => {
    const r = await admin.request<Authorization>('POST', grant ? '/authorizations' : '/authorizations/revoke', body);
    if (r.error) say(`${grant ? 'Grant' : 'Revoke'} failed: ${describeError(r.error)}`, true);
    else
      say(
        `${grant ? 'Granted' : 'Revoked'}: ${clientName(body.clientId)} in ${body.corpId} — ${assetName(r.data.connectAssetUri)} (now ${r.data.authorized ? 'authorized' : 'not authorized'})`,
      );
    await reload();
  };
  return (
    <section class="platform" aria-labelledby="grants-h">
      <h2 id="grants-h">Grants per organisation</h2>
      <p class="muted">
        Self-built apps use their organisation's assets unless revoked; suites need the organisation's grant. The decisions below are the
        explicit ones (the fixtures' grants, the authority page, this form).
      </p>
      <form
        class="grant-form"
        onSubmit={(e) => {
          e.preventDefault();
          const grant = (e as SubmitEvent).submitter?.getAttribute('value') !== 'revoke';
          void decide(grant, { corpId, clientId, connectAssetUri: assetUri });
        }}
      >
        <label>
          Organisation
          <select aria-label="Organisation" value={corpId} onChange={(e) => setCorp(value(e))}>
            {fixtures.orgs.map((o) => (
              <option key={o.corpId} value={o.corpId}>
                {o.name} ({o.corpId})
              </option>
            ))}
          </select>
        </label>
        <label>
          App or suite
          <select aria-label="App or suite" value={clientId} onChange={(e) => setClient(value(e))}>
            {clients.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Asset
          <select aria-label="Asset" value={assetUri} onChange={(e) => setUri(value(e))}>
            {assets.map((a) => (
              <option key={a.uri} value={a.uri}>
                {a.connector} · {a.name}
              </option>
            ))}
          </select>
        </label>
        <div class="row">
          <button type="submit" value="grant" class="primary">
            Grant
          </button>
          <button type="submit" value="revoke" class="danger">
            Revoke
          </button>
        </div>
      </form>
      {fixtures.orgs.map((o) => {
        // Revocations first: they are what a person changed; then by app or suite.
        const mine = (list?.authorizations ?? [])
          .filter((a) => a.corpId === o.corpId)
          .sort((a, b) => Number(a.authorized) - Number(b.authorized) || a.clientId.localeCompare(b.clientId));
        return (
          <section key={o.corpId} aria-label={`Grants in ${o.name}`}>
            <h3>
              {o.name} <code>{o.corpId}</code>
            </h3>
            {mine.length === 0 ? (
              <p class="muted">No explicit decision: defaults apply.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">app or suite</th>
                    <th scope="col">asset</th>
                    <th scope="col">decision</th>
                    <th scope="col">
                      <span class="sr-only">change</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {mine.map((a) => (
                    <tr key={`${a.clientId} ${a.connectAssetUri}`}>
                      <td>{a.clientId}</td>
                      <td title={a.connectAssetUri}>{assetName(a.connectAssetUri)}</td>
                      <td class={a.authorized ? 'ok' : 'bad'}>{a.authorized ? 'granted' : 'revoked'}</td>
                      <td>
                        <button
                          type="button"
                          aria-label={`${a.authorized ? 'Revoke' : 'Grant'} ${assetName(a.connectAssetUri)} for ${a.clientId} in ${o.corpId}`}
                          onClick={() =>
                            void decide(!a.authorized, { corpId: a.corpId, clientId: a.clientId, connectAssetUri: a.connectAssetUri })
                          }
                        >
                          {a.authorized ? 'Revoke' : 'Grant'}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
    </section>
  );
}

// ——— ZenTao ———

interface Delivery {
  id: number;
  kind: 'notification' | 'chatMessage';
  appCode: string;
  time: string;
  users?: number[];
  gid?: string;
  title: string;
  subtitle?: string;
  content?: string;
  contentType: string;
  url?: string;
  actions?: { label: string; url: string; type?: string }[];
  sender?: { id: string | number; name?: string };
}
interface ZentaoFixtures {
  users: { id: number; account: string; realname: string; deleted?: boolean }[];
  chats: { gid: string; name: string; members: number[] }[];
}

function ZentaoInbox({ admin, say, tick }: ViewProps) {
  const [fixtures] = useAdmin<ZentaoFixtures>(admin, '/fixtures', say, 0);
  const [user, setUser] = useState('');
  const users = (fixtures?.users ?? []).filter((u) => !u.deleted);
  const account = user || users[0]?.account || '';
  const [inbox] = useAdmin<{ deliveries: Delivery[] }>(
    admin,
    account ? `/inbox/users/${encodeURIComponent(account)}` : '/inbox',
    say,
    tick,
  );
  const chatName = (gid?: string) => fixtures?.chats.find((c) => c.gid === gid)?.name ?? gid;
  const deliveries = [...(inbox?.deliveries ?? [])].reverse();
  return (
    <section class="platform" aria-labelledby="inbox-h">
      <h2 id="inbox-h">Inbox as the user sees it</h2>
      <label>
        User{' '}
        <select aria-label="User" value={account} onChange={(e) => setUser(value(e))}>
          {users.map((u) => (
            <option key={u.account} value={u.account}>
              {u.realname} ({u.account}, id {u.id})
            </option>
          ))}
        </select>
      </label>
      {deliveries.length === 0 ? (
        <p class="muted">Nothing delivered to {account} yet: send a notification or a chat message and it shows here.</p>
      ) : (
        <ol class="inbox" aria-label={`Inbox of ${account}`}>
          {deliveries.map((d) => (
            <li key={d.id} class="message">
              <header>
                <strong>{d.kind === 'chatMessage' ? `# ${chatName(d.gid)}` : 'Notification'}</strong>
                <span class="muted">
                  {d.sender?.name ?? d.appCode} · {d.time}
                </span>
              </header>
              <p class="title">{d.title}</p>
              {d.subtitle && <p class="muted">{d.subtitle}</p>}
              {d.content && <p class="content">{d.content}</p>}
              {d.url && (
                <p class="muted">
                  link: <code>{d.url}</code>
                </p>
              )}
              {d.actions && d.actions.length > 0 && (
                <p class="actions">
                  {d.actions.map((a) => (
                    <span key={a.label} class="chip" title={a.url}>
                      {a.label}
                    </span>
                  ))}
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

// ——— OAuth ———

interface TokenRecord {
  token: string;
  kind: string;
  clientId: string;
  login: string;
  scope: string;
  createdAt: string;
  expiresAt: string | null;
  revoked: boolean;
  expired: boolean;
  live: boolean;
}

function OAuthTokens({ admin, say, tick }: ViewProps) {
  const [tokens, reload] = useAdmin<{ tokens: TokenRecord[] }>(admin, '/oauth/tokens', say, tick);
  const [codes] = useAdmin<{ codes: Record<string, unknown>[] }>(admin, '/oauth/codes', say, tick);
  const act = async (what: 'revoke' | 'expire', token: string) => {
    const r = await admin.request<Record<string, number>>('POST', `/oauth/tokens/${what}`, { token });
    if (r.error) say(`${what} failed: ${describeError(r.error)}`, true);
    else say(`Token ${token.slice(0, 8)}… ${what === 'revoke' ? 'revoked' : 'expired'}`);
    await reload();
  };
  const state = (t: TokenRecord) => (t.revoked ? 'revoked' : t.expired ? 'expired' : 'live');
  return (
    <section class="platform" aria-labelledby="tokens-h">
      <h2 id="tokens-h">Tokens issued</h2>
      {(tokens?.tokens.length ?? 0) === 0 ? (
        <p class="muted">No token yet.</p>
      ) : (
        <div class="scroll">
          <table class="tokens">
            <thead>
              <tr>
                <th scope="col">token</th>
                <th scope="col">client · user</th>
                <th scope="col">scope</th>
                <th scope="col">expires</th>
                <th scope="col">state</th>
                <th scope="col">
                  <span class="sr-only">actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens?.tokens.map((t) => (
                <tr key={t.token} data-token={t.token}>
                  <td title={t.token}>
                    <code>{shortToken(t.token)}</code>
                    <br />
                    <span class="muted">{t.kind}</span>
                  </td>
                  <td>
                    {t.clientId}
                    <br />
                    <span class="muted">{t.login}</span>
                  </td>
                  <td>{t.scope || '(none)'}</td>
                  <td>{t.expiresAt ? t.expiresAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC') : 'never'}</td>
                  <td class={`state ${t.live ? 'ok' : 'bad'}`}>{state(t)}</td>
                  <td>
                    <div class="row">
                      {!t.revoked && (
                        <button type="button" aria-label={`Revoke token ${t.token}`} onClick={() => void act('revoke', t.token)}>
                          Revoke
                        </button>
                      )}
                      {t.live && (
                        <button type="button" aria-label={`Expire token ${t.token}`} onClick={() => void act('expire', t.token)}>
                          Expire
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Authorization codes waiting for exchange</h3>
      {(codes?.codes.length ?? 0) === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                {Object.keys(codes!.codes[0]!).map((k) => (
                  <th key={k} scope="col">
                    {k}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {codes!.codes.map((c) => (
                <tr key={String(c.code)}>
                  {Object.keys(codes!.codes[0]!).map((k) => (
                    <td key={k}>{cellText(c[k])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// ——— ONES ———

interface PluginSummary {
  name: string;
  baseUrl?: string;
  library?: boolean;
  teams: string[] | '*';
  timeoutMs: number;
  apis: { type: string; methods: string[]; url: string; scope: string; function: string; query?: unknown; level: string }[];
  ignored: string[];
}

function OnesPlugins({ admin, say, tick }: ViewProps) {
  const [plugins, reload] = useAdmin<{ plugins: PluginSummary[] }>(admin, '/plugins', say, tick);
  const unregister = async (name: string) => {
    const r = await admin.request('DELETE', `/plugins/${encodeURIComponent(name)}`);
    if (r.error) say(`Unregister failed: ${describeError(r.error)}`, true);
    else say(`Plugin ${name} unregistered`);
    await reload();
  };
  const list = plugins?.plugins ?? [];
  return (
    <section class="platform" aria-labelledby="plugins-h">
      <h2 id="plugins-h">Plugins registered</h2>
      {list.length === 0 && (
        <p class="muted">
          No plugin: register one with <code>POST /__admin/plugins</code> (its <code>config/plugin.yaml</code> and the URL it listens on).
        </p>
      )}
      {list.map((p) => (
        <section key={p.name} class="plugin" aria-label={`Plugin ${p.name}`}>
          <header class="row">
            <h3>{p.name}</h3>
            <span class="muted">
              {p.library ? 'in-process library' : <code>{p.baseUrl}</code>} · teams {p.teams === '*' ? 'all' : p.teams.join(', ')} · timeout{' '}
              {p.timeoutMs} ms
            </span>
            <button type="button" class="danger" aria-label={`Unregister plugin ${p.name}`} onClick={() => void unregister(p.name)}>
              Unregister
            </button>
          </header>
          <table>
            <thead>
              <tr>
                <th scope="col">stage</th>
                <th scope="col">methods</th>
                <th scope="col">url</th>
                <th scope="col">scope</th>
                <th scope="col">function</th>
                <th scope="col">level</th>
              </tr>
            </thead>
            <tbody>
              {p.apis.map((a) => (
                <tr key={`${a.type} ${a.methods.join()} ${a.url} ${a.function}`}>
                  <td>{a.type}</td>
                  <td>{a.methods.join(', ')}</td>
                  <td>
                    <code>{a.url}</code>
                    {a.query ? ` ${cellText(a.query)}` : ''}
                  </td>
                  <td>{a.scope}</td>
                  <td>{a.function}</td>
                  <td>{a.level}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {p.ignored.length > 0 && <p class="muted">Not run by the twin: {p.ignored.join('; ')}</p>}
        </section>
      ))}
    </section>
  );
}
