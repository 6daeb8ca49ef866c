/**
 * What a CI job runs once the consumer tests have written pacts/: `doppel verify`, the commands of the root README's
 * "Verify your own contracts" section, as written. The chatbot's pacts verify; the doc-version pacts (the mistakes
 * the vendor docs lead to) fail, each with the explanation that names its cause.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const HERE = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'chatbot-verify-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A shell command, in the example's folder, as CI runs it. */
const sh = (command: string, cwd = HERE) =>
  new Promise<Run>((done) => {
    execFile(
      'bash',
      ['-c', command],
      { cwd, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0' } },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

/** The blocks of the README section "Verify your own contracts", by language. */
function sectionBlocks(lang: string): string[] {
  const section = README.split(/^## /m).find((s) => s.startsWith('Verify your own contracts'));
  if (!section) throw new Error('README.md has no section "Verify your own contracts"');
  return [...section.matchAll(/^```(\S*)[^\n]*\n([\s\S]*?)^```/gm)].filter((m) => m[1] === lang).map((m) => m[2]!);
}

const doppel = (args: string) => sh(`npx doppel verify ${args}`);

describe('the README commands', () => {
  const commands = sectionBlocks('sh')
    .flatMap((b) => b.split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#'));

  it('are doppel verify commands', () => {
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const c of commands) expect(c).toMatch(/^npx doppel verify /);
  });

  it('verify the chatbot pacts, in words and as JSON', async () => {
    for (const command of commands) {
      const r = await sh(command.replace(/> (\S+)$/, `> ${join(scratch, '$1')}`));
      expect(r.code, `${command}\n${r.stderr}\n${r.stdout}`).toBe(0);
      if (command.includes('--json')) {
        const report = JSON.parse(readFileSync(join(scratch, /> (\S+)$/.exec(command)![1]!), 'utf8'));
        expect(report.ok).toBe(true);
        expect(report.pacts.map((p: { twin: string }) => p.twin).sort()).toEqual(['dingtalk', 'oauth', 'zentao']);
        expect(report.pacts.flatMap((p: { interactions: unknown[] }) => p.interactions)).toHaveLength(4);
      } else {
        expect(r.stdout).toContain('doppel verify: 3 pacts, 4 interactions verified');
      }
    }
  });

  it('show the states.yaml the example uses', () => {
    const [yaml] = sectionBlocks('yaml');
    expect(readFileSync(join(HERE, 'states.yaml'), 'utf8')).toContain(yaml!.trim());
  });
});

describe('the mistakes the vendor docs lead to', () => {
  const run = doppel('--pact-dir pacts/doc-version --states states.yaml');
  const json = doppel('--pact-dir pacts/doc-version --states states.yaml --json');

  it('fail the verification', async () => {
    const r = await run;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('doppel verify: 4 of 4 interactions failed');
  });

  it('are each explained by their cause, as the README shows', async () => {
    const { stdout } = await run;
    const [shown] = sectionBlocks('text');
    const causes = shown!.split('\n').filter((l) => l.trim().startsWith('cause:'));
    expect(causes).toHaveLength(4);
    for (const c of causes) expect(stdout).toContain(c.trim());
  });

  it('carry the twin journal and the known difference, in the JSON report', async () => {
    const r = await json;
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const failures = report.pacts.flatMap((p: { interactions: { explanation?: unknown }[] }) => p.interactions.map((i) => i.explanation));
    const byId = (id: string) => failures.find((x: { knownDifferences: { id: string }[] }) => x.knownDifferences.some((d) => d.id === id));
    expect(byId('doc-printed-token')).toMatchObject({
      answered: { status: 200, body: { errcode: 401 }, error: 'INVALID_TOKEN' },
      notes: { signature: { received: 'f5633c34c0c551a16c1d63bceb38d6a8', expected: '07a22de5b9c287eaaf5c04320fe48aba' } },
    });
    expect(byId('sender-required')).toMatchObject({ answered: { body: { result: 'fail', message: '应当设置发送方信息。' } } });
    expect(byId('access-token-query')).toMatchObject({ answered: { status: 401 } });
    expect(byId('v1-no-errcode')).toMatchObject({ answered: { status: 200, body: { errorCode: '0' } } });
    // The verifier's own report went to stderr, so stdout is the JSON alone.
    expect(r.stderr).toContain('Verifying a pact between');
  });
});

describe('a provider state nobody mapped', () => {
  it('fails, listing the twin states and what each sets up', async () => {
    const pact = JSON.parse(readFileSync(join(HERE, 'pacts/chatbot-zentao.json'), 'utf8'));
    pact.interactions[0].providerStates = [{ name: 'the release channel exists' }];
    const file = join(scratch, 'renamed-state.json');
    writeFileSync(file, JSON.stringify(pact));
    const r = await doppel(`${file} --states states.yaml`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'cause: provider state "the release channel exists" is not a state of the zentao twin and --states maps no such name',
    );
    expect(r.stdout).toContain(
      '  - a dismissed group and a private chat: Adds a dismissed group and a one-to-one chat, which getGroupChats must not list',
    );
  });

  it('verifies with --twin when the provider name does not say', async () => {
    const dir = join(scratch, 'anonymous');
    cpSync(join(HERE, 'pacts/chatbot-zentao.json'), join(dir, 'im.json'));
    const pact = JSON.parse(readFileSync(join(dir, 'im.json'), 'utf8'));
    pact.provider.name = 'team-im';
    writeFileSync(join(dir, 'im.json'), JSON.stringify(pact));
    const without = await doppel(`${join(dir, 'im.json')} --states states.yaml`);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('cannot tell which twin provider "team-im" is');
    const withTwin = await doppel(`--pact-dir ${dir} --twin zentao --states states.yaml`);
    expect(withTwin.code, withTwin.stdout).toBe(0);
  });
});
