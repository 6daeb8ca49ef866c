#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { storeOf } from '@doppel/mock-kit';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { consoleDir } from './console.ts';
import { normaliseArgs, openConsole, resolveConsolePort, resolveSettings, StartError, startAll, table, warnings } from './start.ts';
import { twins } from './twins.ts';
import { registerVerify } from './verify/command.ts';

/** Usage errors (unknown command or option, a bad number) exit 2; a twin that cannot start exits 1. */
const USAGE = 2;
const COMMANDS = ['start', 'verify', 'help'];

// A closed stdout (`doppel start | head`) ends the CLI quietly instead of with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function wholeNumber(name: string, min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
}

const program = new Command('doppel')
  .description('Offline twins of DingTalk Connect, ZenTao, ONES and GitHub OAuth')
  .version(version, '-v, --version')
  .showSuggestionAfterError(false)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error: ') ? `doppel: ${s.slice(7)}` : s) });

const start = program
  .command('start')
  .description('start every twin (or --only some) on its default port with its default fixtures')
  .addOption(
    new Option('--host <host>', 'address to bind; any other than loopback needs the admin token').env('DOPPEL_HOST').default('127.0.0.1'),
  )
  .addOption(
    new Option('--admin-token <token>', 'token every admin call must carry (generated when bound beyond loopback)').env(
      'DOPPEL_ADMIN_TOKEN',
    ),
  )
  .addOption(
    new Option('--journal-size <n>', 'requests each twin keeps in its journal')
      .env('DOPPEL_JOURNAL_SIZE')
      .argParser(wholeNumber('--journal-size', 1, 1_000_000)),
  )
  .addOption(
    new Option('--store <url>', 'where the twins keep their state: memory (default) or redis://host:port/db, shared by every replica').env(
      'DOPPEL_STORE',
    ),
  )
  .addOption(
    new Option('--console-port <port>', 'QA console port (default 4000)')
      .env('DOPPEL_CONSOLE_PORT')
      .argParser(wholeNumber('--console-port', 0, 65535)),
  )
  .option('--no-console', 'do not serve the QA console')
  .option('--only <names>', `comma-separated twins to start (${twins.map((t) => t.name).join(', ')})`)
  .exitOverride();
for (const t of twins) {
  start.addOption(
    new Option(`--${t.name}-port <port>`, `${t.title} port (default ${t.defaultPort})`)
      .env(`DOPPEL_${t.name.toUpperCase()}_PORT`)
      .argParser(wholeNumber(`--${t.name}-port`, 0, 65535)),
  );
  start.addOption(
    new Option(`--${t.name}-fixtures <file>`, `${t.title} fixtures file, JSON or YAML, hot-reloaded`).env(
      `DOPPEL_${t.name.toUpperCase()}_FIXTURES`,
    ),
  );
}

type StartFlags = Record<string, string | number | boolean | undefined> & {
  host: string;
  adminToken?: string;
  journalSize?: number;
  store?: string;
  only?: string;
  console: boolean;
  consolePort?: number;
};

start.action(async (opts: StartFlags) => {
  try {
    const only = opts.only?.split(',').map((s) => s.trim());
    const unknown = only?.filter((n) => !twins.some((t) => t.name === n)) ?? [];
    if (unknown.length) {
      console.error(`doppel: unknown twin ${unknown.join(', ')}; known: ${twins.map((t) => t.name).join(', ')}`);
      process.exit(USAGE);
    }
    const chosen = only ? twins.filter((t) => only.includes(t.name)) : twins;
    try {
      storeOf(opts.store);
    } catch (err) {
      console.error((err as Error).message);
      process.exit(USAGE);
    }
    const flags = Object.fromEntries(Object.entries(opts).map(([k, v]) => [k, v === undefined ? undefined : String(v)]));
    const settings = resolveSettings(chosen, flags, {});
    // The console listens first: the twins link its URL from `GET /__admin`.
    // From source, the console is there once built (`pnpm build`); the installed CLI always ships it.
    const built = consoleDir() !== undefined;
    if (opts.console && !built) console.error('doppel: the QA console is not built (run `pnpm build`); starting the twins without it');
    const qa = opts.console && built ? await openConsole(opts.host, resolveConsolePort(opts.consolePort)) : undefined;
    const running = await startAll({
      host: opts.host,
      twins: chosen,
      settings,
      ...(opts.journalSize !== undefined && { journalSize: opts.journalSize }),
      ...(opts.store !== undefined && { store: opts.store }),
      ...(opts.adminToken !== undefined && { adminToken: opts.adminToken }),
      ...(qa && { consoleUrl: qa.url }),
    }).catch(async (err) => {
      await qa?.close();
      throw err;
    });
    qa?.setTwins(running.map((r) => ({ name: r.twin.def.name, title: r.twin.def.title, url: r.url })));
    console.log(`Doppel: ${running.length} twin${running.length === 1 ? '' : 's'} ready (Ctrl-C to stop)\n`);
    console.log(table(running, qa?.url));
    const store = running[0]?.store;
    if (store)
      console.log(
        `\nState: shared in ${store.url.replace(/\/\/[^@/]*@/, '//***@')} (every replica started with this --store serves the same twins)`,
      );
    for (const w of warnings(opts.host, running)) console.log(`\n${w}`);
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      console.log('\nDoppel: stopping');
      await Promise.all([...running.map((r) => r.close()), qa?.close()]);
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    console.error(err instanceof StartError ? err.message : `doppel: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  }
});

registerVerify(program).exitOverride();

const args = normaliseArgs(process.argv.slice(2));
if (!args[0]!.startsWith('-') && !COMMANDS.includes(args[0]!)) {
  console.error(
    `doppel: unknown command "${args[0]}" (commands: ${COMMANDS.filter((c) => c !== 'help').join(', ')}; doppel --help lists them)`,
  );
  process.exit(USAGE);
}
try {
  await program.parseAsync(args, { from: 'user' });
} catch (err) {
  if (!(err instanceof CommanderError)) throw err;
  // --help and --version end here with code 0; anything else is a usage error.
  process.exit(err.exitCode === 0 ? 0 : USAGE);
}
