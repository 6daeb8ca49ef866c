import { queryToken, startZentaoMock } from '@doppel/mock-zentao';
import type { BenchTarget } from './types.ts';

const q = 'm=im&f=getGroupChats&code=myAppCode';

export const zentao: BenchTarget = {
  name: 'zentao',
  label: 'signed im/getGroupChats (checkEntry + md5 signature + journal)',
  start: () => startZentaoMock({ port: 0 }),
  request: { method: 'GET', path: `/api.php?${q}&token=${queryToken(q, '3cd0914d656e90ab181f1d52ff352cfe')}` },
};
