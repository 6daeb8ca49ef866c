import { onesTwin } from '@doppel/mock-ones';
import { it } from 'vitest';
import { verifyTwin } from './verify.ts';

it('the ONES twin honours every interaction the ONES client and plugin SDK recorded', () =>
  verifyTwin(onesTwin, { consumer: 'doppel-ones-client', provider: 'doppel-ones' }));
