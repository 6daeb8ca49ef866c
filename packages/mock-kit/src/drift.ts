import type { Hono } from 'hono';
import type { LoadedSpec } from './openapi.ts';

export interface DriftReport {
  /** In a spec, not served. */
  unserved: string[];
  /** Served, in no spec. */
  undocumented: string[];
}

/** Compare what a Hono app serves with what its OpenAPI specs declare. */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env
export function drift(app: Hono<any>, specs: LoadedSpec[]): DriftReport {
  const served = new Set(
    app.routes.filter((r) => r.method !== 'ALL' && !r.path.endsWith('*')).map((r) => `${r.method} ${r.path.replace(/\/$/, '') || '/'}`),
  );
  const declared = new Set(specs.flatMap((s) => s.operations.map((o) => `${o.method} ${o.honoPath}`)));
  return {
    unserved: [...declared].filter((d) => !served.has(d)).sort(),
    undocumented: [...served].filter((s) => !declared.has(s)).sort(),
  };
}
