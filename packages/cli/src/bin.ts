import { Command, Option } from 'commander';
import { resolveSettings, StartError, startAll, table } from './start.ts';
import { twins } from './twins.ts';

const program = new Command('doppel').description('Offline twins of DingTalk Connect, ZenTao, ONES and GitHub OAuth');

const start = program
  .command('start', { isDefault: true })
  .description('start every twin on its default port with its default fixtures')
  .addOption(new Option('--host <host>', 'address to bind').env('DOPPEL_HOST').default('127.0.0.1'))
  .addOption(new Option('--journal-size <n>', 'requests each twin keeps in its journal').env('DOPPEL_JOURNAL_SIZE').argParser(Number))
  .option('--only <names>', `comma-separated twins to start (${twins.map((t) => t.name).join(', ')})`);
for (const t of twins) {
  start.option(`--${t.name}-port <port>`, `${t.title} port (default ${t.defaultPort}, env DOPPEL_${t.name.toUpperCase()}_PORT)`);
  start.option(`--${t.name}-fixtures <file>`, `${t.title} fixtures file, JSON or YAML, hot-reloaded (env DOPPEL_${t.name.toUpperCase()}_FIXTURES)`);
}

start.action(async (opts: Record<string, string | undefined> & { host: string; journalSize?: number; only?: string }) => {
  try {
    const only = opts.only?.split(',').map((s) => s.trim());
    const unknown = only?.filter((n) => !twins.some((t) => t.name === n)) ?? [];
    if (unknown.length) throw new StartError(`doppel: unknown twin ${unknown.join(', ')}; known: ${twins.map((t) => t.name).join(', ')}`);
    const chosen = only ? twins.filter((t) => only.includes(t.name)) : twins;
    const running = await startAll({
      host: opts.host,
      twins: chosen,
      settings: resolveSettings(chosen, opts, process.env),
      ...(opts.journalSize && { journalSize: opts.journalSize }),
    });
    console.log(`Doppel: ${running.length} twin${running.length === 1 ? '' : 's'} ready (Ctrl-C to stop)\n`);
    console.log(table(running));
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      console.log('\nDoppel: stopping');
      await Promise.all(running.map((r) => r.close()));
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    console.error(err instanceof StartError ? err.message : `doppel: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  }
});

await program.parseAsync(process.argv);
