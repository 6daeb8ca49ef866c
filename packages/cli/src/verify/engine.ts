import { type JournalEntry, type KnownDifference, startTwin } from '@doppel/mock-kit';
import { type PactFile, type PactInteraction, readPact } from './pact-file.ts';
import { reorderUrl } from './query-order.ts';
import { resolveState, type StateMapping } from './states.ts';
import { pickTarget, type VerifyTarget, VerifyError } from './twins.ts';

/** Pact Broker options, handed to Pact's verifier as they are (no broker runs in Doppel's tests). */
export interface BrokerOptions {
  url: string;
  token?: string;
  username?: string;
  password?: string;
  /** Pact's consumer version selectors, e.g. `[{ "mainBranch": true }, { "deployedOrReleased": true }]`. */
  consumerVersionSelectors?: Record<string, unknown>[];
  /** The provider name the broker knows (the pacts to fetch). */
  provider: string;
  publish?: { providerVersion: string; branch?: string };
  enablePending?: boolean;
}

export interface VerifyOptions {
  /** Pact files to verify (`readPact`). */
  pacts?: string[];
  /** The twin, when the pact's provider name does not say (or to override it). */
  twin?: string;
  /** `readStates(states.yaml)`: the team's state names → twin states. */
  states?: Record<string, Record<string, StateMapping>>;
  broker?: BrokerOptions;
  /** The Pact verifier's own log level (its report goes to stdout). Default `error`. */
  logLevel?: 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

export interface KnownDifferenceHit {
  id: string;
  title: string;
  difference: string;
  /** Where the line is: `packages/mock-<twin>/README.md` and its section. */
  readme: string;
}

export interface Explanation {
  /** One line: what went wrong, in the platform's terms. */
  cause: string;
  /** The pact's provider states that are neither the twin's states nor mapped by --states. */
  unmappedStates?: string[];
  /** The twin's states and what each sets up (given with unmapped states). */
  twinStates?: { name: string; description: string }[];
  /** The twin's journal entry for the interaction: what it received and answered, and its debugging notes. */
  received?: { method: string; url: string; body?: unknown };
  answered?: { status: number; body: unknown; error?: string; scenario?: string };
  notes?: Record<string, unknown>;
  knownDifferences: KnownDifferenceHit[];
}

export interface InteractionReport {
  description: string;
  states: string[];
  ok: boolean;
  /** The verifier's mismatches, one line each. */
  mismatches: string[];
  explanation?: Explanation;
}

export interface PactReport {
  /** The pact file, or the broker URL. */
  source: string;
  consumer: string;
  provider: string;
  twin: string;
  ok: boolean;
  interactions: InteractionReport[];
  /** Set when the verifier could not run at all. */
  error?: string;
}

export interface VerifyReport {
  ok: boolean;
  pacts: PactReport[];
}

// biome-ignore lint/suspicious/noExplicitAny: the Verifier class of @pact-foundation/pact, loaded lazily
type VerifierClass = new (options: any) => { verifyProvider(): Promise<unknown> };

/** @pact-foundation/pact is an optional peer dependency: `doppel start` never needs it, `doppel verify` does. */
export async function loadVerifier(): Promise<VerifierClass> {
  try {
    const pact = (await import('@pact-foundation/pact')) as unknown as { Verifier: VerifierClass };
    return pact.Verifier;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new VerifyError(
        "doppel verify runs Pact's own verifier, which is not installed: npm install --save-dev @pact-foundation/pact@^16",
      );
    }
    throw err;
  }
}

/** Verify every pact (files, or the broker's), each against its twin started in-process on a free port. */
export async function verifyPacts(options: VerifyOptions): Promise<VerifyReport> {
  const Verifier = await loadVerifier();
  const jobs: { pact?: PactFile; target: VerifyTarget }[] = [];
  for (const file of options.pacts ?? []) {
    const pact = readPact(file);
    jobs.push({ pact, target: pickTarget(pact.provider, options.twin) });
  }
  if (options.broker) jobs.push({ target: pickTarget(options.broker.provider, options.twin) });
  if (!jobs.length) throw new VerifyError('no pacts: name pact files, --pact-dir, or --broker-url');
  const pacts: PactReport[] = [];
  for (const job of jobs) pacts.push(await verifyOne(Verifier, job.target, job.pact, options));
  return { ok: pacts.every((p) => p.ok), pacts };
}

async function verifyOne(Verifier: VerifierClass, target: VerifyTarget, pact: PactFile | undefined, options: VerifyOptions) {
  const running = await startTwin(target.def, { port: 0 });
  const twin = running.twin;
  // Pact's verifier reaches the twin through its own local proxy, which sends the proxy's Host: the admin API's
  // DNS-rebinding check would refuse admin interactions, so it is lifted (the twin listens on loopback only).
  twin.adminGuard.hosts = undefined;
  const names = twin.stateNames();
  const stateNames = names.map((s) => s.name);
  const mapping = { ...options.states?.['*'], ...options.states?.[target.name] };
  const seen: JournalEntry[] = [];
  let setUpSinceRequest = false;
  const unmapped = new Set<string>();

  const setUp = (name: string, params: Record<string, unknown> = {}) => {
    const resolved = resolveState(name, params, stateNames, mapping);
    seen.push(...twin.journal.all());
    if (!resolved || !stateNames.includes(resolved.state)) {
      unmapped.add(name);
      if (!setUpSinceRequest) twin.reset();
    } else if (!setUpSinceRequest) {
      twin.useState(resolved.state, resolved.params);
    } else {
      // A second state of the same interaction: applied on top of the first.
      // biome-ignore lint/suspicious/noExplicitAny: any twin's fixtures
      const state = (target.def.states as Record<string, { apply(f: any, p: Record<string, unknown>): any }>)[resolved.state]!;
      twin.replaceFixtures(state.apply(structuredClone(twin.fixtures), resolved.params), `state ${resolved.state}`);
    }
    setUpSinceRequest = true;
    return {};
  };
  // Every state name the verifier asks for (a pact from a broker may name any): a plain object, as the verifier logs it.
  const stateHandlers: Record<string, (params?: Record<string, unknown>) => Promise<unknown>> = {};
  const allStates = new Set([
    ...stateNames,
    ...Object.keys(mapping),
    ...(pact?.interactions.flatMap((i) => i.states.map((s) => s.name)) ?? []),
  ]);
  for (const name of allStates) stateHandlers[name] = async (params) => setUp(name, params);

  const requestFilter = (req: { url: string; path: string }, _res: unknown, next: () => void) => {
    if (req.path !== '/_pactSetup') {
      // An interaction without provider states starts from the twin's defaults too.
      if (!setUpSinceRequest) {
        seen.push(...twin.journal.all());
        twin.reset();
      }
      setUpSinceRequest = false;
      if (target.orderQuery) req.url = reorderUrl(req.url, target.orderQuery);
    }
    next();
  };

  const source = pact?.file ?? options.broker!.url;
  let raw: string;
  let crashed: string | undefined;
  try {
    const result = await new Verifier({
      provider: pact?.provider ?? options.broker!.provider,
      providerBaseUrl: running.url,
      ...(pact ? { pactUrls: [pact.file] } : brokerOptions(options.broker!)),
      stateHandlers,
      requestFilter,
      logLevel: options.logLevel ?? 'error',
    }).verifyProvider();
    raw = String(result);
  } catch (err) {
    raw = (err as Error).message;
    if (!raw.startsWith('{')) crashed = raw;
  } finally {
    seen.push(...twin.journal.all());
    await running.close();
  }
  const consumer = pact?.consumer ?? '';
  const provider = pact?.provider ?? options.broker!.provider;
  if (crashed !== undefined) {
    return { source, consumer, provider, twin: target.name, ok: false, interactions: [], error: crashed } satisfies PactReport;
  }
  const json = JSON.parse(raw) as VerifierJson;
  const interactions = report(json, pact, target, seen, unmapped, names);
  return {
    source,
    consumer,
    provider,
    twin: target.name,
    ok: json.result !== false && interactions.every((i) => i.ok),
    interactions,
  } satisfies PactReport;
}

function brokerOptions(b: BrokerOptions) {
  return {
    pactBrokerUrl: b.url,
    ...(b.token !== undefined && { pactBrokerToken: b.token }),
    ...(b.username !== undefined && { pactBrokerUsername: b.username }),
    ...(b.password !== undefined && { pactBrokerPassword: b.password }),
    ...(b.consumerVersionSelectors && { consumerVersionSelectors: b.consumerVersionSelectors }),
    ...(b.enablePending !== undefined && { enablePending: b.enablePending }),
    ...(b.publish && {
      publishVerificationResult: true,
      providerVersion: b.publish.providerVersion,
      ...(b.publish.branch !== undefined && { providerVersionBranch: b.publish.branch }),
    }),
  };
}

/** What Pact's verifier reports (pact_ffi `pactffi_verifier_json`). */
interface VerifierJson {
  result?: boolean;
  interactionResults?: { description: string; result: string }[];
  errors?: { interaction: string; mismatch?: { type?: string; message?: string; mismatches?: { mismatch?: string; path?: string }[] } }[];
}

function report(
  json: VerifierJson,
  pact: PactFile | undefined,
  target: VerifyTarget,
  seen: JournalEntry[],
  unmapped: Set<string>,
  twinStates: { name: string; description: string }[],
): InteractionReport[] {
  const mismatchesOf = (description: string) =>
    (json.errors ?? [])
      .filter((e) => e.interaction === description || e.interaction.endsWith(` - ${description}`))
      .flatMap((e) =>
        e.mismatch?.mismatches?.length
          ? e.mismatch.mismatches.map((m) => (m.path ? `${m.path}: ${m.mismatch}` : String(m.mismatch)))
          : [e.mismatch?.message ?? 'failed'],
      );
  const failedByVerifier = (description: string) =>
    json.interactionResults?.some((r) => r.description === description && r.result.toUpperCase() !== 'OK') ||
    mismatchesOf(description).length > 0;

  if (!pact) {
    // From a broker: the verifier's word only (the pact's content is not at hand to explain it).
    return (json.interactionResults ?? []).map((r) => {
      const ok = !failedByVerifier(r.description);
      return { description: r.description, states: [], ok, mismatches: ok ? [] : mismatchesOf(r.description) };
    });
  }
  const used = new Set<JournalEntry>();
  return pact.interactions.map((i) => {
    const entry = seen.find((e) => !used.has(e) && sameRequest(i, e));
    if (entry) used.add(entry);
    const missing = i.states.map((s) => s.name).filter((s) => unmapped.has(s));
    const ok = !failedByVerifier(i.description) && missing.length === 0;
    const result: InteractionReport = {
      description: i.description,
      states: i.states.map((s) => s.name),
      ok,
      mismatches: mismatchesOf(i.description),
    };
    if (!ok) result.explanation = explain(i, entry, target, missing, twinStates);
    return result;
  });
}

function sameRequest(i: PactInteraction, e: JournalEntry): boolean {
  if (e.method !== i.method || e.path !== i.path) return false;
  const q = Object.entries(e.query).map(([k, v]) => [k, Array.isArray(v) ? v : [v]] as const);
  const p = Object.entries(i.query);
  return (
    q.length === p.length &&
    p.every(([k, v]) => q.some(([k2, v2]) => k2 === k && v2.length === v.length && v.every((x, n) => sameValue(v2[n]!, x))))
  );
}

/** The journal masks secrets (`****` and the last characters): a masked value matches what it can be the mask of. */
function sameValue(journalled: string, sent: string): boolean {
  if (journalled === sent) return true;
  const m = /^\*{3,}(.*)$/.exec(journalled);
  return m !== null && sent.endsWith(m[1]!);
}

const show = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

function explain(
  i: PactInteraction,
  entry: JournalEntry | undefined,
  target: VerifyTarget,
  missing: string[],
  twinStates: { name: string; description: string }[],
): Explanation {
  const readme = `packages/mock-${target.name}/README.md`;
  const knownDifferences = target.knownDifferences
    .filter((d: KnownDifference) => d.applies(i, entry))
    .map((d) => ({ id: d.id, title: d.title, difference: d.difference, readme: `${readme}, "${d.readme}"` }));
  const out: Explanation = { cause: '', knownDifferences };
  if (missing.length) {
    out.unmappedStates = missing;
    out.twinStates = twinStates;
  }
  if (entry) {
    const query = Object.entries(entry.query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}=${x}`));
    out.received = {
      method: entry.method,
      url: `${entry.path}${query.length ? `?${query.join('&')}` : ''}`,
      ...(entry.body !== undefined && { body: entry.body }),
    };
    out.answered = {
      status: entry.status,
      body: entry.responseBody,
      ...(entry.error !== undefined && { error: entry.error }),
      ...(entry.scenario !== undefined && { scenario: entry.scenario }),
    };
    if (entry.notes && Object.keys(entry.notes).length) out.notes = entry.notes;
  }
  out.cause = causeOf(out, i, target, missing);
  return out;
}

/** The one line a reader needs first: an unmapped state, a known doc mistake, the twin's own diagnosis, or its answer. */
function causeOf(x: Explanation, i: PactInteraction, target: VerifyTarget, missing: string[]): string {
  if (missing.length) {
    return `provider state ${missing.map((s) => `"${s}"`).join(', ')} is not a state of the ${target.name} twin and --states maps no such name`;
  }
  const [known] = x.knownDifferences;
  const hint = (x.notes?.signature as { hint?: string } | undefined)?.hint;
  if (known) return `the pact expects what the vendor doc says, and ${target.platform} differs: ${known.title} [${known.id}]`;
  if (hint) return `the signature does not verify: ${hint}`;
  if (x.answered) {
    const expected = i.expected.status;
    const refused = x.answered.error ? ` (${x.answered.error})` : '';
    return `the twin answered ${x.answered.status}${refused} ${show(x.answered.body).slice(0, 200)}${
      expected !== undefined && expected !== x.answered.status ? `, the pact expects ${expected}` : ', not what the pact expects'
    }`;
  }
  return 'the twin journalled no request for this interaction';
}
