import { randomBytes } from 'node:crypto';
import { isLoopback, PortInUseError, type RunningTwin, startTwin, type TwinDefinition } from '@doppel/mock-kit';
import { ConsolePortInUseError, type RunningConsole, startConsole } from './console.ts';

export interface TwinSettings {
  port: number;
  /** Where the port came from, for the error message. */
  portSource: string;
  fixturesFile?: string;
}

export interface StartAllOptions {
  host: string;
  journalSize?: number;
  /** `memory` or `redis://host:port/db`: every twin's state there, shared by every replica started with it. */
  store?: string;
  /** The admin token every twin requires (one is generated per run when bound beyond loopback and none given). */
  adminToken?: string;
  // biome-ignore lint/suspicious/noExplicitAny: see twins.ts
  twins: TwinDefinition<any, any>[];
  settings: Record<string, TwinSettings>;
  log?: (line: string) => void;
  /** The QA console's URL: each twin's `GET /__admin` links it. */
  consoleUrl?: string;
}

/** A twin could not start; `message` is the one line the CLI prints. */
export class StartError extends Error {}

export const portFlag = (name: string) => `--${name}-port`;
export const portEnv = (name: string) => `DOPPEL_${name.toUpperCase()}_PORT`;
export const fixturesFlag = (name: string) => `--${name}-fixtures`;
export const fixturesEnv = (name: string) => `DOPPEL_${name.toUpperCase()}_FIXTURES`;

/** Port and fixtures for each twin: flag, else environment variable, else the documented default. */
export function resolveSettings(
  // biome-ignore lint/suspicious/noExplicitAny: see twins.ts
  twins: TwinDefinition<any, any>[],
  flags: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
): Record<string, TwinSettings> {
  const out: Record<string, TwinSettings> = {};
  for (const t of twins) {
    const fromFlag = flags[`${t.name}Port`];
    const fromEnv = env[portEnv(t.name)];
    const raw = fromFlag ?? fromEnv;
    const portSource = fromFlag !== undefined ? portFlag(t.name) : fromEnv !== undefined ? portEnv(t.name) : 'default';
    const port = raw === undefined ? t.defaultPort : Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new StartError(`${portSource} must be a port number (0-65535), got "${raw}"`);
    }
    const fixturesFile = flags[`${t.name}Fixtures`] ?? env[fixturesEnv(t.name)];
    out[t.name] = { port, portSource, ...(fixturesFile && { fixturesFile }) };
  }
  return out;
}

/** The QA console's default port: below the twins' (4010–4040). */
export const CONSOLE_PORT = 4000;

/** The console's port: the flag (or DOPPEL_CONSOLE_PORT, which commander reads into it), else 4000. */
export function resolveConsolePort(flag: number | undefined): TwinSettings {
  return flag === undefined ? { port: CONSOLE_PORT, portSource: 'default' } : { port: flag, portSource: '--console-port' };
}

/** Serve the QA console (README "The QA console"); a taken port is a one-line StartError. */
export async function openConsole(host: string, setting: Pick<TwinSettings, 'port'>): Promise<RunningConsole> {
  try {
    return await startConsole({ host, port: setting.port });
  } catch (err) {
    if (err instanceof ConsolePortInUseError) {
      throw new StartError(
        `doppel: port ${err.port} for the console is already in use; choose another with --console-port <port> or DOPPEL_CONSOLE_PORT, or --no-console`,
      );
    }
    throw new StartError(`doppel: the console did not start: ${(err as Error).message}`);
  }
}

/** Start the twins one by one; on any failure, stop those already started and throw a one-line StartError. */
// biome-ignore lint/suspicious/noExplicitAny: see twins.ts
export async function startAll(options: StartAllOptions): Promise<RunningTwin<any, any>[]> {
  // biome-ignore lint/suspicious/noExplicitAny: see twins.ts
  const running: RunningTwin<any, any>[] = [];
  // One token for all twins of a run, so a QA engineer copies one line.
  const adminToken = options.adminToken ?? (isLoopback(options.host) ? undefined : generateToken());
  for (const def of options.twins) {
    const s = options.settings[def.name]!;
    try {
      running.push(
        await startTwin(def, {
          port: s.port,
          host: options.host,
          ...(s.fixturesFile && { fixturesFile: s.fixturesFile }),
          ...(options.journalSize && { journalSize: options.journalSize }),
          ...(options.store !== undefined && { store: options.store }),
          ...(adminToken !== undefined && { adminToken }),
          ...(options.log && { log: options.log }),
          ...(options.consoleUrl && { consoleUrl: options.consoleUrl }),
        }),
      );
    } catch (err) {
      await Promise.all(running.map((r) => r.close()));
      if (err instanceof PortInUseError) {
        throw new StartError(
          `doppel: port ${err.port} for ${def.name} is already in use; choose another with ${portFlag(def.name)} <port> or ${portEnv(def.name)}`,
        );
      }
      throw new StartError(`doppel: ${def.name} did not start: ${(err as Error).message}`);
    }
  }
  return running;
}

const generateToken = () => randomBytes(24).toString('base64url');

/**
 * The arguments as the user meant them: pnpm 10 passes a literal `--` to scripts (`pnpm start -- --x`), which
 * would end option parsing, so a `--` is dropped; no command means `start`.
 */
export function normaliseArgs(args: string[]): string[] {
  const out = args.filter((a) => a !== '--');
  const first = out[0];
  if (first === undefined || (first.startsWith('-') && !['-h', '--help', '-v', '--version'].includes(first))) out.unshift('start');
  return out;
}

/** What the CLI says after the table: the admin token when the twins are reachable from other machines. */
// biome-ignore lint/suspicious/noExplicitAny: see twins.ts
export function warnings(host: string, running: RunningTwin<any, any>[]): string[] {
  if (isLoopback(host)) return [];
  const token = running[0]?.adminToken;
  return [
    `Warning: bound to ${host}, so other machines can reach the twins. Their admin APIs (fixtures, secrets,` +
      ` forced errors) need this token on every call, as "Authorization: Bearer <token>" or "x-doppel-admin-token":
  ${token}`,
  ];
}

/**
 * The table printed once everything listens: one line per twin, its default credentials beneath it. Credentials
 * that came from a user's fixtures file are not printed (they may be real secrets): the table says where they are.
 */
// biome-ignore lint/suspicious/noExplicitAny: see twins.ts
export function table(running: RunningTwin<any, any>[], consoleUrl?: string): string {
  const rows = running.map((r) => [r.twin.def.name, r.url, `${r.url}/__admin`]);
  if (consoleUrl) rows.push(['console', consoleUrl, '(the QA console: open it in a browser)']);
  const head = ['twin', 'url', 'admin'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const indent = ' '.repeat(widths[0]! + 2);
  const out = [line(head), line(widths.map((w) => '-'.repeat(w)))];
  running.forEach((r, i) => {
    out.push(line(rows[i]!));
    if (r.twin.fixturesSource !== 'defaults') out.push(`${indent}credentials: see ${r.twin.fixturesSource}`);
    else for (const c of r.twin.def.credentials?.(r.twin.fixtures) ?? []) out.push(`${indent}${c.label}: ${c.value}`);
  });
  if (consoleUrl) out.push(line(rows.at(-1)!));
  return out.join('\n');
}
