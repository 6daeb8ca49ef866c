/**
 * The ONES twin's hot endpoints for `pnpm bench`: GET /users/me as ONES answers it, and the same request
 * through a prefix + suffix plugin (library form, in-process) to measure the interception engine's overhead.
 * main has no bench runner yet; this module follows CONTRIBUTING's `bench/targets/<platform>.ts` and exports
 * the twin's name, a setup that returns a fetch, and the requests to time.
 */
import { alice, createApp } from '../../packages/mock-ones/src/index.ts';

const ME = 'http://ones.bench/project/api/project/users/me';
const auth = { 'Ones-User-Id': alice.uuid, 'Ones-Auth-Token': alice.token };

export const name = 'ones';

export function setup() {
  const { app, twin } = createApp({ journalSize: 100 });
  twin.state.plugins.register({
    name: 'bench',
    config: `apis:
  - { type: prefix, methods: [GET], url: /users/me, function: pre, query: { via: plugin } }
  - { type: suffix, methods: [GET], url: /users/me, function: post, query: { via: plugin } }
`,
    target: { functions: { pre: async (r) => ({ headers: r.headers }), post: async () => ({}) } },
  });
  return { fetch: (request: Request) => Promise.resolve(app.fetch(request)), close: async () => {} };
}

export const requests: { label: string; request: () => Request; expectStatus: number }[] = [
  { label: 'GET /users/me', request: () => new Request(ME, { headers: auth }), expectStatus: 200 },
  { label: 'GET /users/me via prefix + suffix', request: () => new Request(`${ME}?via=plugin`, { headers: auth }), expectStatus: 200 },
];

// `tsx bench/targets/ones.ts` times the requests on its own until the shared runner exists.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { fetch, close } = setup();
  for (const { label, request, expectStatus } of requests) {
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const res = await fetch(request());
      if (res.status !== expectStatus) throw new Error(`${label}: HTTP ${res.status}`);
      await res.arrayBuffer();
    }
    const ms = performance.now() - t0;
    console.log(`${label}: ${Math.round((n / ms) * 1000)} req/s (${(ms / n).toFixed(3)} ms/req)`);
  }
  await close();
}
