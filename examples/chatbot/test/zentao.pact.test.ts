import { MatchersV3 } from '@pact-foundation/pact';
import { expect, it } from 'vitest';
import { groupChats, notify, signedUrl, type ZentaoConfig } from '../src/zentao.ts';
import { pactWith, queryOf } from './pact.ts';

const pact = pactWith('zentao');
/** Our app in ZenTao's admin (应用): code and key as states.yaml gives them to the twin. */
const app = (baseUrl: string): ZentaoConfig => ({ baseUrl, code: 'chatbot', key: '9f3b2c7d41e0a6b58c2d7e1f0a3b4c5d' });
const bot = { id: 'chatbot', name: 'Build bot' };

it('lists the group chats it may post to', () =>
  pact
    .addInteraction()
    .given('the chatbot app is registered in ZenTao')
    .uponReceiving('a request for the group chats')
    .withRequest('GET', '/api.php', (b) => b.query(queryOf(signedUrl(app('http://x'), 'getGroupChats'))))
    .willRespondWith(200, (b) =>
      b.jsonBody({ result: 'success', data: MatchersV3.like({ '81c6ba89-00ab-4431-8e47-063556ae4886': '研发部' }) }),
    )
    .executeTest(async (server) => {
      expect(Object.values(await groupChats(app(server.url)))).toContain('研发部');
    }));

it('notifies people that a build failed', () =>
  pact
    .addInteraction()
    .given('the chatbot app is registered in ZenTao')
    .uponReceiving('a build-failed notification to two people')
    .withRequest('POST', '/api.php', (b) =>
      b
        .query(queryOf(signedUrl(app('http://x'), 'sendNotification')))
        .jsonBody({ users: [1, 'zhangsan'], title: 'build #42 failed', sender: bot, contentType: 'text', content: 'build #42 failed' }),
    )
    .willRespondWith(200, (b) => b.jsonBody({ result: 'success' }))
    .executeTest(async (server) => {
      await notify(app(server.url), [1, 'zhangsan'], 'build #42 failed', bot);
    }));
