import { PortInUseError, type RunningTwin, startTwin, type TwinDefinition } from '@doppel/mock-kit';

export interface TwinSettings {
  port: number;
  /** Where the port came from, for the error message. */
  portSource: string;
  fixturesFile?: string;
}

export interface StartAllOptions {
  host: string;
  journalSize?: number;
  // biome-ignore lint/suspicious/noExplicitAny: see twins.ts
  twins: TwinDefinition<any, any>[];
  settings: Record<string, TwinSettings>;
  log?: (line: string) => void;
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

/** Start the twins one by one; on any failure, stop those already started and throw a one-line StartError. */
// biome-ignore lint/suspicious/noExplicitAny: see twins.ts
export async function startAll(options: StartAllOptions): Promise<RunningTwin<any, any>[]> {
  // biome-ignore lint/suspicious/noExplicitAny: see twins.ts
  const running: RunningTwin<any, any>[] = [];
  for (const def of options.twins) {
    const s = options.settings[def.name]!;
    try {
      running.push(
        await startTwin(def, {
          port: s.port,
          host: options.host,
          ...(s.fixturesFile && { fixturesFile: s.fixturesFile }),
          ...(options.journalSize && { journalSize: options.journalSize }),
          ...(options.log && { log: options.log }),
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

/** The table printed once everything listens: one line per twin, its default credentials beneath it. */
// biome-ignore lint/suspicious/noExplicitAny: see twins.ts
export function table(running: RunningTwin<any, any>[]): string {
  const rows = running.map((r) => [r.twin.def.name, r.url, `${r.url}/__admin`]);
  const head = ['twin', 'url', 'admin'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const indent = ' '.repeat(widths[0]! + 2);
  const out = [line(head), line(widths.map((w) => '-'.repeat(w)))];
  running.forEach((r, i) => {
    out.push(line(rows[i]!));
    for (const c of r.twin.def.credentials?.(r.twin.fixtures) ?? []) out.push(`${indent}${c.label}: ${c.value}`);
  });
  return out.join('\n');
}
