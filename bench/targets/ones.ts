import { alice, startOnesMock } from '@doppel/mock-ones';
import type { BenchTarget } from './types.ts';

const headers = { 'Ones-User-Id': alice.uuid, 'Ones-Auth-Token': alice.token };

export const ones: BenchTarget = {
  name: 'ones',
  label: 'GET users/me (auth headers + journal)',
  start: () => startOnesMock({ port: 0 }),
  request: { method: 'GET', path: '/project/api/project/users/me', headers },
  soak: {
    label: 'auth/login (ONES answers the user’s own token: nothing is kept per login)',
    request: {
      method: 'POST',
      path: '/project/api/project/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: alice.email, password: alice.password }),
    },
  },
};

/** The same call through a prefix and a suffix plugin (library form, in-process): the interception engine's cost. */
export const onesIntercepted: BenchTarget = {
  name: 'ones-intercepted',
  label: 'GET users/me via prefix + suffix plugin (chain journaled)',
  async start() {
    const running = await startOnesMock({ port: 0 });
    running.twin.state.plugins.register({
      name: 'bench',
      config: `apis:
  - { type: prefix, methods: [GET], url: /users/me, function: pre, query: { via: plugin } }
  - { type: suffix, methods: [GET], url: /users/me, function: post, query: { via: plugin } }
`,
      target: { functions: { pre: async (r) => ({ headers: r.headers }), post: async () => ({}) } },
    });
    return running;
  },
  request: { method: 'GET', path: '/project/api/project/users/me?via=plugin', headers },
};
