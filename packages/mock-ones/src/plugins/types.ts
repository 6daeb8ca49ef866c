import type { components } from '../generated/openapi.ts';

/** The wire types between the twin and a plugin: components PluginRequest / PluginResponse of ones.yaml. */
type Schemas = components['schemas'];

export type InterceptType = Schemas['PluginRequest']['type'];
export type Scope = Schemas['PluginRequest']['scope'];

/** What a plugin function answers: prefix → new headers/body (or, with a non-2xx statusCode, a rejection), replace → the reply, suffix → ignored. */
export type PluginResponse = Schemas['PluginResponse'];

/** What the twin sends a plugin function (`B`: the body's type, as in the doc's `PluginRequest<Record<string, any>>`). */
export type PluginRequest<B = unknown> = Omit<Schemas['PluginRequest'], 'body'> & { body: B };

/** Library form: a plugin function, run in-process. (To call ONES from it, use the SDK's fetchONES.) */
// biome-ignore lint/suspicious/noExplicitAny: each function types its own body (the doc's PluginRequest<Record<string, any>>)
export type PluginFunction = (request: PluginRequest<any>) => Promise<PluginResponse> | PluginResponse;
