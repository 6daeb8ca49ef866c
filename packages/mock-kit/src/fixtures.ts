import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { compileSchema, describeErrors } from './schema.ts';

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

/** Checks fixtures against the twin's schema, compiled on the first check (a twin on its built-in fixtures never needs it). */
export function fixtureValidator<F>(schema: object): (value: unknown, source: string) => F {
  let compiled: ReturnType<typeof compileSchema> | undefined;
  return (value, source) => {
    compiled ??= compileSchema(schema);
    const validate = compiled;
    if (!validate(value))
      throw new FixtureError(
        source,
        describeErrors(validate.errors).map(({ path, reason }) => ({ path, reason })),
      );
    return value as F;
  };
}

/** `text` parsed as YAML (JSON is YAML too); a syntax error is a FixtureError saying the line and why. */
export function parseYamlText(text: string, source: string): unknown {
  try {
    return parseYaml(text);
  } catch (err) {
    const reason =
      err instanceof YAMLParseError
        ? `YAML syntax error at line ${err.linePos?.[0]?.line ?? '?'}: ${err.message.split('\n')[0]}`
        : `not YAML the twin can read: ${(err as Error).message}`;
    throw new FixtureError(source, [{ path: '', reason }]);
  }
}

/** Parse a JSON or YAML fixtures file (by extension; YAML is a superset, so unknown ones read as YAML). */
export function readFixtureFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FixtureError(file, [{ path: '', reason: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` }]);
  }
  if (extname(file).toLowerCase() !== '.json') return parseYamlText(text, file);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FixtureError(file, [{ path: '', reason: `JSON syntax error: ${(err as Error).message}` }]);
  }
}
