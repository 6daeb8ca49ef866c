import { fileURLToPath } from 'node:url';
import { PactV4 } from '@pact-foundation/pact';

/** A pact between the chatbot (or its first, doc-based version) and a platform, written to pacts/. */
export const pactWith = (provider: string, consumer = 'chatbot', dir = '../pacts') =>
  new PactV4({ consumer, provider, dir: fileURLToPath(new URL(dir, import.meta.url)), host: '127.0.0.1', logLevel: 'error' });

/** A pact query map from a URL our client builds (the client decides the order; the pact keeps a map). */
export const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams);
