import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PactV4 } from '@pact-foundation/pact';

/** How long an answer waits before the test reads it (see `pactBetween`). */
const RECORD_MS = 25;
let patched = false;

/**
 * A consumer pact between a Doppel client and a twin: written to contracts/pacts/, its mock server on
 * loopback only (an address of its own, so no other test's server can answer in its place).
 *
 * Pact's mock server records that a request matched only after it has answered it, so under CPU load the
 * check that closes `executeTest` can report a request it did serve as "expected but not received"
 * (https://github.com/pact-foundation/pact-core-mock-server/issues/13). So in a pact test every answer of the
 * global fetch (which the clients use when given none) reaches the test `RECORD_MS` later, after the record.
 */
export function pactBetween(consumer: string, provider: string): PactV4 {
  if (!patched) {
    patched = true;
    const fetchNow = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const response = await fetchNow(input, init);
      await sleep(RECORD_MS);
      return response;
    };
  }
  return new PactV4({
    consumer,
    provider,
    dir: fileURLToPath(new URL('../../../../contracts/pacts', import.meta.url)),
    host: '127.0.0.1',
    logLevel: 'warn',
  });
}
