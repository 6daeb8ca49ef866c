import { fileURLToPath } from 'node:url';
import { PactV4 } from '@pact-foundation/pact';

/**
 * A consumer pact between a Doppel client and a twin: written to contracts/pacts/, its mock server on
 * loopback only (an address of its own, so no other test's server can answer in its place).
 */
export function pactBetween(consumer: string, provider: string): PactV4 {
  return new PactV4({
    consumer,
    provider,
    dir: fileURLToPath(new URL('../../../../contracts/pacts', import.meta.url)),
    host: '127.0.0.1',
    logLevel: 'warn',
  });
}
