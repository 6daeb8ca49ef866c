import { createApp, parseStr, httpBuildQuery, queryToken, zentaoTwin } from '@doppel/mock-zentao';
import { loadSpec } from '@doppel/mock-kit';
import { Hono } from 'hono';
const raw = 'm=im&f=getGroupChats&code=myAppCode&token=07a22de5b9c287eaaf5c04320fe48aba';
function time(name: string, n: number, f: () => unknown) { for (let i=0;i<n/5;i++) f(); const t=performance.now(); for (let i=0;i<n;i++) f(); console.log(name.padEnd(30), ((performance.now()-t)*1000/n).toFixed(2), 'us'); }
time('parseStr', 200000, () => parseStr(raw));
time('parse+build+2md5', 200000, () => { const q = parseStr(raw); q.delete('token'); return queryToken(httpBuildQuery(q), '3cd0914d656e90ab181f1d52ff352cfe'); });
const spec = loadSpec(zentaoTwin.spec);
const sp = new URLSearchParams(raw);
time('match', 200000, () => spec.match('GET', '/api.php'));
const op = spec.match('GET', '/api.php')!.op;
time('validate', 200000, () => op.validate({ query: new URLSearchParams(raw), header: () => undefined, pathParams: {}, contentType: undefined, body: undefined }));
time('URLSearchParams', 200000, () => new URLSearchParams(raw));
const { app } = createApp();
const bare = new Hono(); bare.get('/api.php', (c) => c.json({ result: 'success', data: { a: 'b' } }));
const url = `http://x/api.php?${raw}`;
// Use node-server's lightweight Request? use plain objects through app.fetch with a fake Request-like.
const req = new Request(url);
time('bare fetch (same Request)', 50000, () => bare.fetch(req));
time('twin fetch (same Request)', 50000, () => app.fetch(req));
