import { MatchersV3 } from '@pact-foundation/pact';
import { expect, it } from 'vitest';
import { githubUser } from '../src/github.ts';
import { pactWith } from './pact.ts';

const pact = pactWith('github');
const TOKEN = 'gho_ChatbotStoredToken000000000000000000';

it('reads who signed in', () =>
  pact
    .addInteraction()
    .given('a GitHub user signed in to the chatbot')
    .uponReceiving('a request for the signed-in user')
    .withRequest('GET', '/user', (b) => b.headers({ authorization: `Bearer ${TOKEN}`, 'user-agent': 'chatbot' }))
    .willRespondWith(200, (b) => b.jsonBody({ login: MatchersV3.string('octocat'), id: MatchersV3.integer(1) }))
    .executeTest(async (server) => {
      expect((await githubUser(server.url, TOKEN)).login).toBe('octocat');
    }));
