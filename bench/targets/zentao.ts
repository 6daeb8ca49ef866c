import { queryToken, startZentaoMock } from '@doppel/mock-zentao';
import type { BenchTarget } from './types.ts';

const KEY = '3cd0914d656e90ab181f1d52ff352cfe';
const q = 'm=im&f=getGroupChats&code=myAppCode';
const send = 'm=im&f=sendNotification&code=myAppCode';

export const zentao: BenchTarget = {
  name: 'zentao',
  label: 'signed im/getGroupChats (checkEntry + md5 signature + journal)',
  start: () => startZentaoMock({ port: 0 }),
  request: { method: 'GET', path: `/api.php?${q}&token=${queryToken(q, KEY)}` },
  soak: {
    label: 'im/sendNotification (every send lands in the bounded inbox)',
    request: {
      method: 'POST',
      path: `/api.php?${send}&token=${queryToken(send, KEY)}`,
      body: JSON.stringify({ users: [1], title: 'soak', content: 'x'.repeat(200), sender: { id: 1, account: 'admin', realname: 'admin' } }),
    },
  },
};
