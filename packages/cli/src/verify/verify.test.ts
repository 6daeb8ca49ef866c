import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryToken } from '@doppel/mock-zentao';
import { afterAll, describe, expect, it } from 'vitest';
import { formatReport, pickTarget, readStates, reorderUrl, resolveState, VerifyError, verifyPacts, zentaoOrder } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'doppel-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KEY = '3cd0914d656e90ab181f1d52ff352cfe';

describe('the ZenTao query order', () => {
  it('is the doc order whatever order the pact replays: m, f, the method parameters, code, time, token', () => {
    expect(reorderUrl('/api.php?code=c&f=getChatUsers&gid=g%201&m=im&token=t', zentaoOrder)).toBe(
      '/api.php?m=im&f=getChatUsers&gid=g%201&code=c&token=t',
    );
    expect(reorderUrl('/api.php?token=t&time=1700000000&code=c&m=im&f=x', zentaoOrder)).toBe(
      '/api.php?m=im&f=x&code=c&time=1700000000&token=t',
    );
    expect(reorderUrl('/api.php', zentaoOrder)).toBe('/api.php');
  });
});

describe('which twin a pact is for', () => {
  it('comes from a word of the provider name, or --twin', () => {
    expect(pickTarget('chatbot-zentao').name).toBe('zentao');
    expect(pickTarget('GitHub API').name).toBe('oauth');
    expect(pickTarget('DingTalk Connect').name).toBe('dingtalk');
    expect(pickTarget('anything', 'ones').name).toBe('ones');
  });

  it('is a usage error when the name says none or two', () => {
    expect(() => pickTarget('team-im')).toThrow(VerifyError);
    expect(() => pickTarget('zentao-to-dingtalk-bridge')).toThrow(/names zentao and dingtalk/);
    expect(() => pickTarget('x', 'slack')).toThrow(/unknown twin "slack"/);
  });
});

describe('states.yaml', () => {
  it('maps a name to a state with params, or to a bare state name, grouped by twin or not', () => {
    const file = join(dir, 'states.yaml');
    writeFileSync(
      file,
      'our app exists:\n  state: the default fixtures\n  params: { code: bot }\nup: no group chats\nones:\n  alice is in: default org\n',
    );
    const states = readStates(file);
    expect(states['*']).toEqual({
      'our app exists': { state: 'the default fixtures', params: { code: 'bot' } },
      up: { state: 'no group chats', params: {} },
    });
    expect(states.ones).toEqual({ 'alice is in': { state: 'default org', params: {} } });
    expect(resolveState('our app exists', { key: 'k' }, [], states['*']!)).toEqual({
      state: 'the default fixtures',
      params: { code: 'bot', key: 'k' },
    });
    expect(resolveState('no group chats', {}, ['no group chats'], {})).toEqual({ state: 'no group chats', params: {} });
    expect(resolveState('unknown', {}, ['no group chats'], {})).toBeUndefined();
  });

  it('refuses a file that is not a mapping', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'our app exists: { params: {} }\n');
    expect(() => readStates(file)).toThrow(/must be a twin state name or \{ state, params \}/);
    expect(() => readStates(join(dir, 'missing.yaml'))).toThrow(/no such file/);
  });
});

/** A v3 pact of one ZenTao interaction, its query in the alphabetical order Pact keeps. */
function zentaoPact(name: string, state: { name: string; params?: Record<string, unknown> }, code = 'myAppCode', key = KEY) {
  const q = `m=im&f=getGroupChats&code=${code}`;
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      consumer: { name: 'bot' },
      provider: { name: 'zentao' },
      interactions: [
        {
          description: 'the group chats',
          providerStates: [state],
          request: {
            method: 'GET',
            path: '/api.php',
            query: { code: [code], f: ['getGroupChats'], m: ['im'], token: [queryToken(q, key)] },
          },
          response: { status: 200, body: { result: 'success' } },
        },
      ],
      metadata: { pactSpecification: { version: '3.0.0' } },
    }),
  );
  return file;
}

describe('verifyPacts', () => {
  it('verifies a signed query against the twin, with state params from the pact', async () => {
    const file = zentaoPact(
      'params',
      { name: 'the default fixtures', params: { code: 'bot', key: '0123456789abcdef0123456789abcdef' } },
      'bot',
      '0123456789abcdef0123456789abcdef',
    );
    const report = await verifyPacts({ pacts: [file] });
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.pacts[0]).toMatchObject({
      twin: 'zentao',
      consumer: 'bot',
      interactions: [{ description: 'the group chats', ok: true }],
    });
  });

  it('fails an unmapped state, listing the twin states and what each sets up', async () => {
    const report = await verifyPacts({ pacts: [zentaoPact('unmapped', { name: 'our app is installed' })] });
    expect(report.ok).toBe(false);
    const [i] = report.pacts[0]!.interactions;
    expect(i!.explanation!.unmappedStates).toEqual(['our app is installed']);
    expect(i!.explanation!.twinStates).toContainEqual({
      name: 'no group chats',
      description: 'The default app and users, no chats at all',
    });
    const text = formatReport(report);
    expect(text).toContain('cause: provider state "our app is installed" is not a state of the zentao twin and --states maps no such name');
    expect(text).toContain('  - no group chats: The default app and users, no chats at all');
    expect(text).toContain('doppel verify: 1 of 1 interactions failed');
  });

  it('passes once states.yaml maps the name', async () => {
    const states = { '*': { 'our app is installed': { state: 'the default fixtures', params: {} } } };
    expect((await verifyPacts({ pacts: [zentaoPact('mapped', { name: 'our app is installed' })], states })).ok).toBe(true);
  });

  it('explains a wrong key with the signature debugger of the journal', async () => {
    const report = await verifyPacts({ pacts: [zentaoPact('wrong-key', { name: 'the default fixtures' }, 'myAppCode', 'f'.repeat(32))] });
    const x = report.pacts[0]!.interactions[0]!.explanation!;
    expect(x.answered).toMatchObject({ status: 200, body: { errcode: 401, errmsg: '无效的token参数' }, error: 'INVALID_TOKEN' });
    expect(x.notes).toMatchObject({ signature: { signed: 'm=im&f=getGroupChats&code=myAppCode' } });
    expect(x.cause).toMatch(/^the signature does not verify: /);
    expect(x.knownDifferences).toEqual([]);
  });

  it('is a usage error for a missing file or no pacts at all', async () => {
    await expect(verifyPacts({ pacts: [join(dir, 'nope.json')] })).rejects.toThrow(/nope\.json: no such file/);
    await expect(verifyPacts({ pacts: [] })).rejects.toThrow(VerifyError);
  });
});
