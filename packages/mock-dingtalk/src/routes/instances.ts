import { Hono } from 'hono';
import { acsHeaders, errors } from '../errors.ts';
import { callerOf, paramError } from '../gateway.ts';
import { sampleFromSchema } from '../schemas.ts';
import type { ActionFixture } from '../fixtures.ts';
import { type Caller, type DingTalkState, type ExecutionRecord, type InstanceRecord, isAuthorized, key } from '../state.ts';
import type { Ctx, Env } from '../types.ts';
import { visibleAsset } from './assets.ts';

/** Execution records kept unless the fixtures say otherwise; older ones are dropped. */
export const MAX_EXECUTIONS = 10_000;

const instanceKeyOf = (caller: Caller, uri: string, instanceKey: string) => key(caller.corpId, caller.clientId, uri, instanceKey);

function refuseUnauthorized(c: Ctx, uri: string): Promise<never> {
  return errors.raise(c, '4003', { body: { message: `调用发起未授权: 组织尚未授权该连接资产 ${uri}` } });
}

/**
 * Create an instance. Creating the same instanceKey again for the same asset is idempotent: the same
 * instance stays, and the answer is the same.
 */
async function createInstance(c: Ctx, uri: string | undefined, instanceKey: string | undefined) {
  if (!uri) return paramError(c, 'connectAssetUri is required');
  if (!instanceKey) return paramError(c, 'instanceKey is required');
  const caller = callerOf(c);
  const { state, clock } = c.get('twin');
  const asset = await visibleAsset(c, caller, uri);
  if (!isAuthorized(state, caller, asset.action.id)) return refuseUnauthorized(c, uri);
  const k = instanceKeyOf(caller, asset.uri, instanceKey);
  let instance = state.instances.get(k);
  if (!instance) {
    instance = {
      corpId: caller.corpId,
      clientId: caller.clientId,
      connectAssetUri: asset.uri,
      instanceKey,
      versionId: asset.versionId,
      createdAt: new Date(clock.now()).toISOString(),
    } satisfies InstanceRecord;
    state.instances.set(k, instance);
  } else {
    c.get('notes').instance = 'already existed (idempotent create)';
  }
  return c.json({ connectAssetUri: instance.connectAssetUri, versionId: instance.versionId }, 200, acsHeaders(c));
}

function matchesFailure(input: unknown, when: Record<string, unknown>): boolean {
  if (!input || typeof input !== 'object') return false;
  return Object.entries(when).every(([k, v]) => JSON.stringify((input as Record<string, unknown>)[k]) === JSON.stringify(v));
}

const outputs = new WeakMap<object, { outputJson: string; outputProblems: string[] }>();

/**
 * An action's answer: the fixture's output, or one generated from its outputSchema, checked against that
 * schema. Deterministic, so it is worked out once per action (the cache dies with the seeded state).
 */
function outputOf(state: DingTalkState, action: ActionFixture) {
  let hit = outputs.get(action);
  if (!hit) {
    const output = action.output ?? sampleFromSchema(action.outputSchema, 'output');
    hit = { outputJson: JSON.stringify(output), outputProblems: state.schemas.problems(action.outputSchema, output) };
    outputs.set(action, hit);
  }
  return hit;
}

async function invoke(c: Ctx) {
  const body = c.get('body') as { connectAssetUri: string; instanceKey: string; inputJsonString?: string | null };
  const caller = callerOf(c);
  const { state, clock } = c.get('twin');
  state.seq += 1;
  const record: ExecutionRecord = {
    instanceId: `G-EXEC-${String(state.seq).padStart(10, '0')}`,
    at: clock.now(),
    corpId: caller.corpId,
    clientId: caller.clientId,
    connectAssetUri: body.connectAssetUri,
    instanceKey: body.instanceKey,
    input: body.inputJsonString ?? null,
    output: null,
    errorCode: '',
    errorMessage: '',
    cost: 0,
  };
  state.executions.push(record);
  // A bounded record (like the journal): the oldest go first under sustained load.
  // Trimmed in batches, so a full record costs one splice per many calls, not one per call.
  const max = state.fixtures.maxExecutions ?? MAX_EXECUTIONS;
  if (state.executions.length >= max + Math.ceil(max / 10)) state.executions.splice(0, state.executions.length - max);
  c.get('notes').execution = record.instanceId;
  try {
    const asset = await visibleAsset(c, caller, body.connectAssetUri);
    if (!isAuthorized(state, caller, asset.action.id)) await refuseUnauthorized(c, asset.uri);
    if (!state.instances.has(instanceKeyOf(caller, asset.uri, body.instanceKey))) {
      await errors.raise(c, '4004', { body: { message: `调用的实例不存在: ${body.instanceKey}` } });
    }
    let input: unknown = {};
    if (typeof body.inputJsonString === 'string') {
      try {
        input = JSON.parse(body.inputJsonString);
      } catch {
        await paramError(c, 'inputJsonString is not valid JSON');
      }
    }
    const problems = state.schemas.problems(asset.action.inputSchema, input);
    if (problems.length) await paramError(c, `inputJsonString does not match the inputSchema: ${problems.join('; ')}`);

    const cost = asset.action.cost ?? 20;
    record.cost = cost;
    const failure = asset.action.failures?.find((f) => matchesFailure(input, f.input));
    if (failure) {
      record.errorCode = failure.errorCode;
      record.errorMessage = failure.errorMessage;
      return c.json(
        { outputJson: '{}', instanceId: record.instanceId, cost, errorCode: failure.errorCode, errorMessage: failure.errorMessage },
        200,
        acsHeaders(c),
      );
    }
    const { outputJson, outputProblems } = outputOf(state, asset.action);
    if (outputProblems.length) c.get('notes').outputProblems = outputProblems;
    record.output = outputJson;
    record.errorCode = '0';
    record.errorMessage = 'success';
    return c.json(
      { outputJson, instanceId: record.instanceId, cost, errorCode: '0', errorMessage: 'success' },
      200,
      acsHeaders(c),
    );
  } catch (err) {
    const refused = err as { errorName?: string; response?: Response };
    if (refused.errorName && refused.response) {
      const sent = (await refused.response.clone().json()) as { code: string; message: string };
      record.errorCode = sent.code;
      record.errorMessage = sent.message;
    }
    throw err;
  }
}

export function instanceRoutes() {
  const app = new Hono<Env>();

  app.post('/v1.0/connector/instances', (c) => {
    const b = c.get('body') as { connectAssetUri: string; instanceKey: string };
    return createInstance(c, b.connectAssetUri, b.instanceKey);
  });

  // The README's path; the body (or, failing that, the query) carries the same two fields.
  app.post('/v1.0/connector/asset/action/invoker', (c) => {
    const b = (c.get('body') ?? {}) as { connectAssetUri?: string; instanceKey?: string };
    return createInstance(c, b.connectAssetUri ?? c.req.query('connectAssetUri'), b.instanceKey ?? c.req.query('instanceKey'));
  });

  app.delete('/v1.0/connector/instances', async (c) => {
    const caller = callerOf(c);
    const k = instanceKeyOf(caller, c.req.query('connectAssetUri')!, c.req.query('instanceKey')!);
    if (!c.get('twin').state.instances.delete(k)) {
      return errors.raise(c, '4004', { body: { message: `调用的实例不存在: ${c.req.query('instanceKey')}` } });
    }
    return c.json({ result: true }, 200, acsHeaders(c));
  });

  app.post('/v1.0/connector/instances/invoke', invoke);

  return app;
}
