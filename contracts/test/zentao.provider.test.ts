import { zentaoTwin } from '@doppel/mock-zentao';
import { it } from 'vitest';
import { verifyTwin } from './verify.ts';

/** The order the ZenTao client writes its query in: ZenTao signs the parameters in the order sent. */
const CLIENT_ORDER = ['m', 'f'];
const TAIL = ['code', 'time', 'token'];
const rank = (k: string) => (CLIENT_ORDER.includes(k) ? CLIENT_ORDER.indexOf(k) - 10 : TAIL.includes(k) ? TAIL.indexOf(k) + 10 : 0);

it('the ZenTao twin honours every interaction the ZenTao client recorded', () =>
  verifyTwin(
    zentaoTwin,
    { consumer: 'doppel-zentao-client', provider: 'doppel-zentao' },
    {
      // A pact stores the query as a map and the verifier replays it sorted by name; ZenTao's token covers the
      // order sent, so put the parameters back in the order the client sent them (m, f, params, code, time, token).
      requestFilter: (req: { url: string }, _res: unknown, next: () => void) => {
        const i = req.url.indexOf('?');
        if (i >= 0) {
          const parts = req.url.slice(i + 1).split('&');
          parts.sort((a: string, b: string) => rank(a.split('=')[0]!) - rank(b.split('=')[0]!));
          req.url = `${req.url.slice(0, i)}?${parts.join('&')}`;
        }
        next();
      },
    },
  ));
