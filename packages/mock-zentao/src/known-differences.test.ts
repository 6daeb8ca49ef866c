import { readFileSync } from 'node:fs';
import type { JournalEntry, PactExpectation } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { DOC_PRINTED_TOKEN, knownDifferences } from './known-differences.ts';
import { queryToken } from './php.ts';
import { createApp } from './server.ts';
import { CHAT, KEY, post, SEND, sender, signed } from './test-helpers.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** A consumer's pact interaction: `POST /api.php?q&token=…` with `body`, expecting `expected`. */
function interaction(q: string, body: unknown, expected: unknown = { result: 'success' }, token = queryToken(q, KEY)): PactExpectation {
  const query: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(`${q}&token=${token}`)) query[k] = [v];
  return {
    description: q,
    method: 'POST',
    path: '/api.php',
    query,
    headers: {},
    body,
    expected: { status: 200, headers: {}, body: expected },
  };
}

function difference(id: string) {
  const d = knownDifferences.find((k) => k.id === id);
  if (!d) throw new Error(`no known difference ${id}`);
  return d;
}

/** The journal entry the twin writes for a POST of `body` to `signed(q)`. */
async function entryOf(q: string, body: unknown): Promise<JournalEntry> {
  const { app, twin } = createApp();
  await app.request(signed(q), post(body));
  return twin.journal.all()[0]!;
}

describe('knownDifferences: what `doppel verify` prints beside a failure', () => {
  it('are three, each under the README’s section heading, with its title and README line', () => {
    expect(knownDifferences.map((d) => d.id)).toEqual(['doc-printed-token', 'sender-required', 'send-success-message']);
    for (const d of knownDifferences) {
      expect(d.readme).toBe('Where the doc and the real server disagree (the twin follows the server)');
      expect(README).toContain(`\n## ${d.readme}\n`);
    }
    expect(knownDifferences.map((d) => d.title)).toEqual([
      "the token printed in ZenTao's doc belongs to another query (m=chat&f=getChatUsers&code=myAppCode)",
      'sender is required on sendNotification and sendChatMessage, though the doc marks it optional',
      'a send answers {"result":"success","message":""}',
    ]);
    expect(DOC_PRINTED_TOKEN).toBe('f5633c34c0c551a16c1d63bceb38d6a8');
    const [token, sender, success] = knownDifferences.map((d) => d.difference);
    expect(token).toMatch(
      /^The doc's token example\. md5\(md5\('m=im&f=getChatUsers&code=myAppCode'\) \+ key\) is 6611ac3952bcdeb4277274d081885dd2, /,
    );
    expect(token).toContain(`not the printed ${DOC_PRINTED_TOKEN}: that one is the token of the $query declared a line earlier `);
    expect(token).toMatch(
      /\(m=chat&f=getChatUsers&code=myAppCode\), and the doc reuses it on every URL\. Compute the token of the query you send\.$/,
    );
    expect(sender).toBe('sender is required on both sends (the doc marks it optional): ZenTao answers 应当设置发送方信息。');
    expect(success).toBe('Send success is {"result":"success","message":""} (the doc shows no message).');
  });
});

describe('doc-printed-token: the token the doc prints on every URL', () => {
  const d = difference('doc-printed-token');

  it('applies to a pact sending the printed token, whatever the query', () => {
    expect(d.applies(interaction(SEND, { sender }, undefined, DOC_PRINTED_TOKEN), undefined)).toBe(true);
    expect(d.applies(interaction('m=chat&f=getChatUsers&code=myAppCode', {}, undefined, DOC_PRINTED_TOKEN), undefined)).toBe(true);
  });

  it('does not apply to a pact signing its own query, or sending no token', () => {
    expect(d.applies(interaction(SEND, { sender }), undefined)).toBe(false);
    const { token: _, ...noToken } = interaction(SEND, { sender }).query;
    expect(d.applies({ ...interaction(SEND, { sender }), query: noToken }, undefined)).toBe(false);
  });
});

describe('sender-required: a send without sender', () => {
  const d = difference('sender-required');

  it('applies to either send without sender, the twin answering 应当设置发送方信息。 or not yet asked', async () => {
    for (const q of [SEND, CHAT]) {
      const body = { users: [1], gid: 'x', title: 't' };
      const entry = await entryOf(q, body);
      expect(entry.responseBody).toMatchObject({ message: '应当设置发送方信息。' });
      expect(d.applies(interaction(q, body), entry), q).toBe(true);
      expect(d.applies(interaction(q, body), undefined), q).toBe(true);
    }
  });

  it('does not apply with a sender, to another call, to a body that is no object, or to another answer', async () => {
    const answered = await entryOf(SEND, { users: [1], title: 't', sender });
    expect(d.applies(interaction(SEND, { users: [1], title: 't', sender }), undefined)).toBe(false);
    expect(d.applies(interaction('m=im&f=getGroupChats&code=myAppCode', {}), undefined)).toBe(false);
    expect(d.applies(interaction('m=im&code=myAppCode', {}), undefined)).toBe(false);
    for (const body of [null, 'users=1', [{ users: [1] }]]) {
      expect(d.applies(interaction(SEND, body), undefined), JSON.stringify(body)).toBe(false);
    }
    expect(d.applies(interaction(SEND, { users: [1], title: 't' }), answered)).toBe(false);
    expect(d.applies(interaction(SEND, { users: [1], title: 't' }), { ...answered, responseBody: '应当设置发送方信息。' })).toBe(false);
    expect(d.applies(interaction(SEND, { users: [1], title: 't' }), { ...answered, responseBody: ['应当设置发送方信息。'] })).toBe(false);
    expect(d.applies(interaction(SEND, { users: [1], title: 't' }), { ...answered, responseBody: null })).toBe(false);
  });
});

describe('send-success-message: a pact expecting a send’s success with a message', () => {
  const d = difference('send-success-message');

  it('applies to either send expected to succeed with a non-empty message', () => {
    for (const q of [SEND, CHAT]) {
      expect(d.applies(interaction(q, { sender }, { result: 'success', message: 'ok' }), undefined), q).toBe(true);
    }
  });

  it('does not apply to the real answer (message ""), no message, a failure, a body that is no object, or another call', () => {
    expect(d.applies(interaction(SEND, { sender }, { result: 'success', message: '' }), undefined)).toBe(false);
    expect(d.applies(interaction(SEND, { sender }, { result: 'success' }), undefined)).toBe(false);
    expect(d.applies(interaction(SEND, { sender }, { result: 'fail', message: 'x' }), undefined)).toBe(false);
    expect(d.applies(interaction(SEND, { sender }, [{ result: 'success', message: 'ok' }]), undefined)).toBe(false);
    expect(d.applies(interaction(SEND, { sender }, null), undefined)).toBe(false);
    expect(d.applies(interaction('m=im&f=getGroupChats&code=myAppCode', {}, { result: 'success', message: 'ok' }), undefined)).toBe(false);
    expect(d.applies(interaction('m=im&code=myAppCode', {}, { result: 'success', message: 'ok' }), undefined)).toBe(false);
  });
});
