import { spawn } from 'node:child_process';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { BrokerOptions, VerifyReport } from './engine.ts';
import { verifyPacts } from './engine.ts';
import { formatReport } from './format.ts';
import { pactPaths } from './pact-file.ts';
import { readStates } from './states.ts';
import { targets, VerifyError } from './twins.ts';

/** Set in the child that `--json` runs the verification in (Pact's verifier prints its report on stdout). */
const JSON_CHILD = 'DOPPEL_VERIFY_JSON_CHILD';

interface VerifyFlags {
  pactDir?: string;
  twin?: string;
  states?: string;
  json?: boolean;
  brokerUrl?: string;
  brokerToken?: string;
  brokerUsername?: string;
  brokerPassword?: string;
  provider?: string;
  consumerVersionSelectors?: Record<string, unknown>[];
  publishVersion?: string;
  providerBranch?: string;
  enablePending?: boolean;
  logLevel?: 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

function selectors(value: string): Record<string, unknown>[] {
  try {
    const v = JSON.parse(value) as unknown;
    const list = Array.isArray(v) ? v : [v];
    if (list.every((s) => typeof s === 'object' && s !== null && !Array.isArray(s))) return list as Record<string, unknown>[];
  } catch {
    // reported below
  }
  throw new InvalidArgumentError(
    `--consumer-version-selectors takes JSON, e.g. '[{"mainBranch":true},{"deployedOrReleased":true}]', got ${value}`,
  );
}

/** `doppel verify`: registered by bin.ts; exit 0 when every interaction verifies, 1 when one fails, 2 for bad input. */
export function registerVerify(program: Command): Command {
  return program
    .command('verify')
    .description("verify your own Pact files against the platforms' twins (Pact's verifier; each twin in-process on a free port)")
    .argument('[pacts...]', 'pact files (JSON) your consumer tests wrote')
    .option('--pact-dir <dir>', 'every *.json pact in this folder')
    .option(
      '--twin <name>',
      `the twin to verify against (${targets.map((t) => t.name).join(', ')}); default: from the pact's provider name`,
    )
    .option('--states <file>', 'YAML: your provider state names → a twin state and its params')
    .option('--json', 'print the report as JSON on stdout (the verifier’s own output goes to stderr)')
    .addOption(
      new Option('--broker-url <url>', 'Pact Broker / PactFlow to fetch pacts from (when no files are named)').env('PACT_BROKER_BASE_URL'),
    )
    .addOption(new Option('--broker-token <token>', 'broker bearer token').env('PACT_BROKER_TOKEN'))
    .addOption(new Option('--broker-username <name>', 'broker basic-auth user').env('PACT_BROKER_USERNAME'))
    .addOption(new Option('--broker-password <password>', 'broker basic-auth password').env('PACT_BROKER_PASSWORD'))
    .option('--provider <name>', 'the provider name the broker knows (default: the twin name)')
    .addOption(new Option('--consumer-version-selectors <json>', 'JSON list of consumer version selectors').argParser(selectors))
    .option('--publish-version <version>', 'publish the results to the broker as this provider version')
    .option('--provider-branch <branch>', 'the provider branch the published results belong to')
    .option('--enable-pending', 'pending pacts do not fail the run (broker)')
    .addOption(new Option('--log-level <level>', "Pact verifier's log level").choices(['error', 'warn', 'info', 'debug', 'trace']))
    .action(async (files: string[], opts: VerifyFlags) => {
      if (opts.json && !process.env[JSON_CHILD]) return runJsonChild();
      let report: VerifyReport;
      try {
        report = await runVerify(files, opts);
      } catch (err) {
        const message =
          err instanceof VerifyError ? `doppel verify: ${err.message}` : `doppel verify: ${(err as Error).stack ?? String(err)}`;
        if (process.env[JSON_CHILD]) return send({ error: message }, 2);
        console.error(message);
        process.exit(2);
      }
      const code = report.ok ? 0 : 1;
      if (process.env[JSON_CHILD]) return send({ report }, code);
      console.log(`\n${formatReport(report)}`);
      process.exit(code);
    });
}

async function runVerify(files: string[], opts: VerifyFlags): Promise<VerifyReport> {
  const pacts = pactPaths(files, opts.pactDir);
  let broker: BrokerOptions | undefined;
  if (!pacts.length && opts.brokerUrl) {
    const provider = opts.provider ?? opts.twin;
    if (!provider) throw new VerifyError('with --broker-url, name the provider (--provider) or the twin (--twin)');
    broker = {
      url: opts.brokerUrl,
      provider,
      ...(opts.brokerToken !== undefined && { token: opts.brokerToken }),
      ...(opts.brokerUsername !== undefined && { username: opts.brokerUsername }),
      ...(opts.brokerPassword !== undefined && { password: opts.brokerPassword }),
      ...(opts.consumerVersionSelectors && { consumerVersionSelectors: opts.consumerVersionSelectors }),
      ...(opts.enablePending && { enablePending: true }),
      ...(opts.publishVersion !== undefined && {
        publish: { providerVersion: opts.publishVersion, ...(opts.providerBranch !== undefined && { branch: opts.providerBranch }) },
      }),
    };
  }
  if (!pacts.length && !broker) throw new VerifyError('name pact files, --pact-dir <dir>, or --broker-url (PACT_BROKER_BASE_URL)');
  return verifyPacts({
    pacts,
    ...(opts.twin !== undefined && { twin: opts.twin }),
    ...(opts.states !== undefined && { states: readStates(opts.states) }),
    ...(broker && { broker }),
    ...(opts.logLevel !== undefined && { logLevel: opts.logLevel }),
  });
}

function send(message: { report?: VerifyReport; error?: string }, code: number): void {
  process.send!(message, () => process.exit(code));
}

/** `--json`: the same command in a child whose stdout (Pact's verifier report) goes to stderr; the JSON alone to stdout. */
function runJsonChild(): Promise<void> {
  return new Promise(() => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: { ...process.env, [JSON_CHILD]: '1' },
    });
    child.stdout!.pipe(process.stderr);
    let message: { report?: VerifyReport; error?: string } | undefined;
    child.on('message', (m) => {
      message = m as typeof message;
    });
    child.on('close', (code) => {
      if (message?.report) process.stdout.write(`${JSON.stringify(message.report, null, 2)}\n`);
      else console.error(message?.error ?? `doppel verify: the verification ended without a report (exit ${code})`);
      process.exit(message?.report ? (message.report.ok ? 0 : 1) : 2);
    });
  });
}
