import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTwin, type TwinDefinition } from '@doppel/mock-kit';
import { Verifier, type VerifierOptions } from '@pact-foundation/pact';

export const pactFile = (consumer: string, provider: string) =>
  fileURLToPath(new URL(`../pacts/${consumer}-${provider}.json`, import.meta.url));

/**
 * Verify a pact against the twin served over HTTP. Every provider state is the twin's named state of the
 * same name (the seed QA selects with POST /__admin/states/{name}); pact state params are passed on.
 */
export async function verifyTwin<F, S>(
  def: TwinDefinition<F, S>,
  pact: { consumer: string; provider: string },
  extra: Partial<VerifierOptions> = {},
): Promise<void> {
  const file = pactFile(pact.consumer, pact.provider);
  if (!existsSync(file)) throw new Error(`${file} is missing: run the clients' Pact consumer tests first`);
  const running = await startTwin(def, { port: 0 });
  // Pact's verifier reaches the twin through its own local proxy, which sends the proxy's Host: the admin
  // API's DNS-rebinding check would refuse the admin interactions (plugin registration), so it is lifted here.
  running.twin.adminGuard.hosts = undefined;
  try {
    const stateHandlers = Object.fromEntries(
      running.twin.stateNames().map(({ name }) => [
        name,
        async (params?: Record<string, unknown>) => {
          running.twin.useState(name, params ?? {});
          return {};
        },
      ]),
    );
    await new Verifier({
      provider: pact.provider,
      providerBaseUrl: running.url,
      pactUrls: [file],
      stateHandlers: stateHandlers as VerifierOptions['stateHandlers'],
      logLevel: 'warn',
      ...extra,
    }).verifyProvider();
  } finally {
    await running.close();
  }
}
