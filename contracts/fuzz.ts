// pnpm fuzz [--requests 10000] [--seed N] [--only zentao]: the spec-driven fuzzer over every twin and its admin
// API with a random seed (printed, so a failure can be replayed with --seed), counts per outcome and the first
// failing request of each kind. Exits 1 when any answer is a 5xx or not declared in the spec.
import { parseArgs } from 'node:util';
import { ADMIN_SPEC, createTwinApp, loadSpec } from '@doppel/mock-kit';
import { formatReport, fuzz } from '@doppel/mock-kit/testing';
import { twinCases } from './test/twins.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { requests: { type: 'string', default: '10000' }, seed: { type: 'string' }, only: { type: 'string' } },
});
const requests = Number(values.requests);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(requests) || requests < 1 || !Number.isInteger(seed)) {
  console.error('usage: pnpm fuzz [--requests N] [--seed N] [--only twin,…]');
  process.exit(2);
}
const only = values.only?.split(',');
let failed = 0;
console.log(`doppel fuzz: seed ${seed}, ${requests} requests per twin API and per admin API\n`);
for (const c of twinCases.filter((t) => !only || only.includes(t.def.name))) {
  const { app, twin } = createTwinApp(c.def);
  const ready = () => (c.state ? twin.useState(c.state) : twin.reset());
  ready();
  const quiet = console.error;
  console.error = () => {};
  try {
    const own = await fuzz(app, loadSpec(c.def.spec), {
      seed,
      requests,
      ...(c.headers && { headers: c.headers }),
      ...(c.sign && { sign: c.sign }),
      ...(c.values && { values: c.values }),
    });
    const admin = await fuzz(app, loadSpec(ADMIN_SPEC), { seed, requests, after: ready });
    console.log(formatReport(c.def.name, own));
    console.log(formatReport(`${c.def.name} admin`, admin));
    failed += own.failed + admin.failed;
  } finally {
    console.error = quiet;
  }
}
console.log(failed ? `\n${failed} answers were 5xx or undeclared (seed ${seed})` : `\nno 5xx, nothing undeclared (seed ${seed})`);
process.exit(failed ? 1 : 0);
