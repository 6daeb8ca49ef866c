import { sampleFromSchema, schemaProblems } from '@doppel/mock-kit';
import { Hono } from 'hono';
import { isAuthorized, visibleAsset } from '../access.ts';
import { callerOf } from '../auth.ts';
import type { DingTalkContext, DingTalkEnv } from '../context.ts';
import { acsHeaders, type Denial, denials, deny } from '../errors.ts';
import type { ActionFixture } from '../fixtures.ts';
import type { components } from '../generated/openapi.ts';
import { type Caller, type ExecutionRecord, type InstanceRecord, key } from '../runtime.ts';

type Schemas = components['schemas'];

const instanceKeyOf = (caller: Caller, uri: string, instanceKey: string) => key(caller.corpId, caller.clientId, uri, instanceKey);

/**
 * Create an instance. Creating the same instanceKey again for the same asset is idempotent: the same
 * instance stays, and the answer is the same.
 */
function createInstance(c: DingTalkContext, uri: string | undefined, instanceKey: string | undefined) {
  if (!uri) return deny(denials.param('connectAssetUri is required'));
  if (!instanceKey) return deny(denials.param('instanceKey is required'));
  const caller = callerOf(c);
  const { state, clock } = c.get('twin');
  const asset = visibleAsset(state, caller, uri) ?? deny(denials.noAsset(uri));
  if (!isAuthorized(state, caller, asset.action.id)) return deny(denials.unauthorized(uri));
  const k = instanceKeyOf(caller, asset.uri, instanceKey);
  let instance = state.instances.get(k);
  if (instance) {
    c.get('notes').instance = 'already existed (idempotent create)';
  } else {
    instance = {
      corpId: caller.corpId,
      clientId: caller.clientId,
      connectAssetUri: asset.uri,
      instanceKey,
      versionId: asset.versionId,
      createdAt: new Date(clock.now()).toISOString(),
    } satisfies InstanceRecord;
    state.instances.set(k, instance);
  }
  const body: Schemas['InstanceResponse'] = { connectAssetUri: instance.connectAssetUri, versionId: instance.versionId };
  return c.json(body, 200, acsHeaders(c));
}

function matchesFailure(input: unknown, when: Record<string, unknown>): boolean {
  if (!input || typeof input !== 'object') return false;
  return Object.entries(when).every(([k, v]) => JSON.stringify((input as Record<string, unknown>)[k]) === JSON.stringify(v));
}

const outputs = new WeakMap<ActionFixture, { outputJson: string; outputProblems: string[] }>();

/**
 * An action's answer: the fixture's output, or one generated from its outputSchema, checked against that
 * schema. Deterministic, so it is worked out once per action (the cache dies with the seeded state).
 */
function outputOf(action: ActionFixture) {
  let hit = outputs.get(action);
  if (!hit) {
    const output = action.output ?? sampleFromSchema(action.outputSchema, 'output');
    hit = { outputJson: JSON.stringify(output), outputProblems: schemaProblems(action.outputSchema, output, 'output') };
    outputs.set(action, hit);
  }
  return hit;
}

/** Refuse an invoke: its execution record gets the same code and message as the answer. */
function refuse(record: ExecutionRecord, d: Denial): never {
  record.errorCode = d.name;
  record.errorMessage = d.message;
  return deny(d);
}

function invoke(c: DingTalkContext) {
  const body = c.get('body') as Schemas['InvokeRequest'];
  const caller = callerOf(c);
  const { state, clock } = c.get('twin');
  const seq = state.seq.get() + 1;
  state.seq.set(seq);
  // This request's own record: filled in below before the answer (a shared store commits it after the handler).
  const record: ExecutionRecord = {
    instanceId: `G-EXEC-${String(seq).padStart(10, '0')}`,
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
  // A bounded record (like the journal): past maxExecutions the oldest go first.
  state.executions.set(record.instanceId, record);
  c.get('notes').execution = record.instanceId;

  const asset = visibleAsset(state, caller, body.connectAssetUri) ?? refuse(record, denials.noAsset(body.connectAssetUri));
  if (!isAuthorized(state, caller, asset.action.id)) refuse(record, denials.unauthorized(asset.uri));
  if (!state.instances.has(instanceKeyOf(caller, asset.uri, body.instanceKey))) refuse(record, denials.noInstance(body.instanceKey));
  let input: unknown = {};
  if (typeof body.inputJsonString === 'string') {
    try {
      input = JSON.parse(body.inputJsonString);
    } catch {
      refuse(record, denials.param('inputJsonString is not valid JSON'));
    }
  }
  const problems = schemaProblems(asset.action.inputSchema, input, 'input');
  if (problems.length) refuse(record, denials.param(`inputJsonString does not match the inputSchema: ${problems.join('; ')}`));

  const cost = asset.action.cost ?? 20;
  record.cost = cost;
  const failure = asset.action.failures?.find((f) => matchesFailure(input, f.input));
  let answer: Schemas['InvokeResponse'];
  if (failure) {
    answer = { outputJson: '{}', instanceId: record.instanceId, cost, errorCode: failure.errorCode, errorMessage: failure.errorMessage };
  } else {
    const { outputJson, outputProblems } = outputOf(asset.action);
    if (outputProblems.length) c.get('notes').outputProblems = outputProblems;
    record.output = outputJson;
    answer = { outputJson, instanceId: record.instanceId, cost, errorCode: '0', errorMessage: 'success' };
  }
  record.errorCode = answer.errorCode;
  record.errorMessage = answer.errorMessage;
  return c.json(answer, 200, acsHeaders(c));
}

/** `/v1.0/connector`: connection instances (the real path and the README's `invoker` path) and invocation. */
export const instanceRoutes = new Hono<DingTalkEnv>()
  .post('/instances', (c) => {
    const b = c.get('body') as Schemas['InstanceRequest'];
    return createInstance(c, b.connectAssetUri, b.instanceKey);
  })
  .delete('/instances', (c) => {
    const instanceKey = c.req.query('instanceKey')!;
    const k = instanceKeyOf(callerOf(c), c.req.query('connectAssetUri')!, instanceKey);
    if (!c.get('twin').state.instances.delete(k)) deny(denials.noInstance(instanceKey));
    return c.json({ result: true }, 200, acsHeaders(c));
  })
  .post('/instances/invoke', invoke)
  // The README's path; the body (or, failing that, the query) carries the same two fields.
  .post('/asset/action/invoker', (c) => {
    const b = (c.get('body') ?? {}) as Partial<Schemas['InstanceRequest']>;
    return createInstance(c, b.connectAssetUri ?? c.req.query('connectAssetUri'), b.instanceKey ?? c.req.query('instanceKey'));
  });
