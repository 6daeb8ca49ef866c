import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml, YAMLParseError } from 'yaml';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** A fixtures file or document that cannot be used: which file, where inside it, and why. */
export class FixtureError extends Error {
  constructor(
    readonly source: string,
    readonly problems: { path: string; reason: string }[],
  ) {
    super(`${source}: invalid fixtures\n${problems.map((p) => `  at ${p.path || '/'}: ${p.reason}`).join('\n')}`);
    this.name = 'FixtureError';
  }
}

function describe(e: ErrorObject): { path: string; reason: string } {
  if (e.keyword === 'required') {
    return { path: `${e.instancePath}/${String(e.params.missingProperty)}`, reason: 'is required' };
  }
  if (e.keyword === 'additionalProperties') {
    return { path: `${e.instancePath}/${String(e.params.additionalProperty)}`, reason: 'is not a known field' };
  }
  if (e.keyword === 'enum') {
    return { path: e.instancePath, reason: `must be one of ${JSON.stringify(e.params.allowedValues)}` };
  }
  return { path: e.instancePath, reason: e.message ?? 'is invalid' };
}

export function fixtureValidator<F>(schema: object): (value: unknown, source: string) => F {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile(schema);
  return (value, source) => {
    if (!validate(value)) throw new FixtureError(source, (validate.errors ?? []).map(describe));
    return value as F;
  };
}

/** Parse a JSON or YAML fixtures file (by extension; YAML is a superset, so unknown ones read as YAML). */
export function readFixtureFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FixtureError(file, [{ path: '', reason: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` }]);
  }
  try {
    if (extname(file).toLowerCase() === '.json') return JSON.parse(text);
    return parseYaml(text);
  } catch (err) {
    const reason =
      err instanceof YAMLParseError
        ? `YAML syntax error at line ${err.linePos?.[0]?.line ?? '?'}: ${err.message.split('\n')[0]}`
        : `JSON syntax error: ${(err as Error).message}`;
    throw new FixtureError(file, [{ path: '', reason }]);
  }
}
