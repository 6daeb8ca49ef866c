import type { TwinDefinition } from '@doppel/mock-kit';
import { dingtalkTwin } from '@doppel/mock-dingtalk';
import { onesTwin } from '@doppel/mock-ones';
import { oauthTwin } from '@doppel/mock-oauth';
import { zentaoTwin } from '@doppel/mock-zentao';

/** Every twin `doppel start` serves, in port order. A new twin adds one line here. */
// biome-ignore lint/suspicious/noExplicitAny: each twin has its own fixtures and state types
export const twins: TwinDefinition<any, any>[] = [dingtalkTwin, zentaoTwin, onesTwin, oauthTwin].sort(
  (a, b) => a.defaultPort - b.defaultPort,
);
