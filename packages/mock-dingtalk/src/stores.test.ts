import { describe, expect, it } from 'vitest';
import { type DingTalkFixtures, defaultFixtures } from './fixtures.ts';
import { call, createApp, CUSTOMER, frozenClock, selfBuiltToken, suiteToken } from './test-helpers.ts';

const GOOD_INPUT = JSON.stringify({ name: '张三', mobile: '13800000000', level: 'A' });
const CONNECTORS = '/v1.0/connector/assets/connectors?type=official';

type Usage = { size: number; max: number; evicted: number };
async function stores(app: ReturnType<typeof createApp>['app']): Promise<Record<string, Usage>> {
  return ((await (await app.request('/__admin/health')).json()) as { stores: Record<string, Usage> }).stores;
}

const withLimits = (limits: Partial<DingTalkFixtures>) =>
  createApp({ fixtures: { ...defaultFixtures(), ...limits }, clock: frozenClock() });

describe('tokens, instances and executions are bounded', () => {
  it('keeps at most maxTokens tokens: the oldest suite tokens stop working, the newest work, health shows it', async () => {
    const { app } = withLimits({ maxTokens: 3 });
    const issued: string[] = [];
    for (let i = 0; i < 5; i++) issued.push(await suiteToken(app));
    expect(new Set(issued).size).toBe(5);
    expect((await call(app, issued[0]!, CONNECTORS)).status).toBe(400);
    expect((await call(app, issued[1]!, CONNECTORS)).status).toBe(400);
    expect((await call(app, issued[2]!, CONNECTORS)).status).toBe(200);
    expect((await call(app, issued[4]!, CONNECTORS)).status).toBe(200);
    expect((await stores(app)).tokens).toEqual({ size: 3, max: 3, evicted: 2 });
  });

  it('sweeps expired tokens on the twin’s clock as new ones are issued (not counted as evictions)', async () => {
    const { app, twin } = withLimits({ tokenTtlSeconds: 60 });
    for (let i = 0; i < 4; i++) await suiteToken(app);
    expect(twin.state.tokens.size).toBe(4);
    twin.clock.advance(60_000);
    const fresh = await suiteToken(app);
    expect(twin.state.tokens.size).toBe(1);
    expect(twin.state.tokens.has(fresh)).toBe(true);
    expect((await stores(app)).tokens).toMatchObject({ size: 1, evicted: 0 });
  });

  it('a self-built app asking again gets its live token back working, even after a full store evicted it', async () => {
    const { app } = withLimits({ maxTokens: 2 });
    const own = await selfBuiltToken(app);
    await suiteToken(app);
    await suiteToken(app);
    expect((await call(app, own, CONNECTORS)).status).toBe(400);
    expect(await selfBuiltToken(app)).toBe(own);
    expect((await call(app, own, CONNECTORS)).status).toBe(200);
  });

  it('keeps at most maxInstances connection instances, the oldest going first', async () => {
    const { app } = withLimits({ maxInstances: 2 });
    const token = await selfBuiltToken(app);
    for (const k of ['a', 'b', 'c']) {
      expect((await call(app, token, '/v1.0/connector/instances', { connectAssetUri: CUSTOMER, instanceKey: k })).status).toBe(200);
    }
    const listed = (await (await app.request('/__admin/instances')).json()) as { instances: { instanceKey: string }[] };
    expect(listed.instances.map((i) => i.instanceKey)).toEqual(['b', 'c']);
    const invoke = (instanceKey: string) =>
      call(app, token, '/v1.0/connector/instances/invoke', { connectAssetUri: CUSTOMER, instanceKey, inputJsonString: GOOD_INPUT });
    expect(await (await invoke('a')).json()).toMatchObject({ code: '4004' });
    expect((await invoke('c')).status).toBe(200);
    expect((await stores(app)).instances).toEqual({ size: 2, max: 2, evicted: 1 });
  });

  it('defaults to 50,000 tokens, 10,000 instances and 10,000 execution records', async () => {
    const { app } = createApp();
    expect(await stores(app)).toEqual({
      tokens: { size: 0, max: 50_000, evicted: 0 },
      instances: { size: 0, max: 10_000, evicted: 0 },
      executions: { size: 0, max: 10_000, evicted: 0 },
    });
  });
});
