import { dingtalkTwin, knownDifferences as dingtalkDifferences } from '@doppel/mock-dingtalk';
import type { KnownDifference, TwinDefinition } from '@doppel/mock-kit';
import { onesTwin, knownDifferences as onesDifferences } from '@doppel/mock-ones';
import { oauthTwin, knownDifferences as oauthDifferences } from '@doppel/mock-oauth';
import { zentaoTwin, knownDifferences as zentaoDifferences } from '@doppel/mock-zentao';
import { zentaoOrder } from './query-order.ts';

/** What `doppel verify` needs of a twin: the twin, the names a pact's provider may give it, its known differences. */
export interface VerifyTarget {
  name: string;
  /** The platform, as its users call it. */
  platform: string;
  // biome-ignore lint/suspicious/noExplicitAny: each twin has its own fixtures and state types
  def: TwinDefinition<any, any>;
  /** Words a pact's provider name may contain to mean this twin (`chatbot-zentao`, `GitHub API`, …). */
  aliases: string[];
  knownDifferences: KnownDifference[];
  /** The query re-ordered as the platform signs it (a pact keeps the query as a map, without its order). */
  orderQuery?: (pairs: [string, string][]) => [string, string][];
}

export const targets: VerifyTarget[] = [
  {
    name: 'zentao',
    platform: 'ZenTao',
    def: zentaoTwin,
    aliases: ['zentao', 'xuanxuan', '禅道'],
    knownDifferences: zentaoDifferences,
    orderQuery: zentaoOrder,
  },
  {
    name: 'dingtalk',
    platform: 'DingTalk',
    def: dingtalkTwin,
    aliases: ['dingtalk', 'dingding', '钉钉'],
    knownDifferences: dingtalkDifferences,
  },
  { name: 'ones', platform: 'ONES', def: onesTwin, aliases: ['ones'], knownDifferences: onesDifferences },
  { name: 'oauth', platform: 'GitHub', def: oauthTwin, aliases: ['oauth', 'github'], knownDifferences: oauthDifferences },
];

/** The twin a pact's provider names: `--twin` first, else the one alias the provider name contains (as a word). */
export function pickTarget(provider: string | undefined, twin?: string): VerifyTarget {
  if (twin !== undefined) {
    const t = targets.find((x) => x.name === twin);
    if (!t) throw new VerifyError(`unknown twin "${twin}"; known: ${targets.map((x) => x.name).join(', ')}`);
    return t;
  }
  const name = (provider ?? '').toLowerCase();
  const words = name.split(/[^a-z0-9\u4e00-\u9fff]+/).filter(Boolean);
  const hits = targets.filter((t) => t.aliases.some((a) => words.includes(a) || (/[^a-z0-9]/.test(a) && name.includes(a))));
  if (hits.length !== 1) {
    throw new VerifyError(
      `cannot tell which twin provider "${provider ?? ''}" is (${hits.length ? `it names ${hits.map((h) => h.name).join(' and ')}` : 'it names none'}): ` +
        `pass --twin ${targets.map((x) => x.name).join('|')}`,
    );
  }
  return hits[0]!;
}

/** A problem with the command's input (a file, a name, a mapping): exit code 2, one line. */
export class VerifyError extends Error {}
