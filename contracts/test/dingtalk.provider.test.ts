import { dingtalkTwin } from '@doppel/mock-dingtalk';
import { it } from 'vitest';
import { verifyTwin } from './verify.ts';

it('the DingTalk twin honours every interaction the DingTalk client recorded', () =>
  verifyTwin(dingtalkTwin, { consumer: 'doppel-dingtalk-client', provider: 'doppel-dingtalk' }));
