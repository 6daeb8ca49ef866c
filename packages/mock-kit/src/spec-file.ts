import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The OpenAPI document `<name>` of the package whose module `from` (its `import.meta.url`) is. A built package ships
 * it beside its code (scripts/build-package.mjs): `dist/openapi/<name>.yaml`, the document as written, and
 * `dist/openapi/<name>.json`, the same document pre-parsed, which is what this returns there (YAML parsing was most
 * of a twin's cold start); an installed package never reads outside itself. Run from source inside the Doppel
 * repository (`src/` has no copy), it is `contracts/openapi/<name>.yaml` itself, the single source of truth, so no
 * stale copy can be served there.
 */
export function specFile(name: string, from: string): string {
  const shipped = new URL(`openapi/${name}.json`, from);
  return fileURLToPath(existsSync(shipped) ? shipped : new URL(`../../../contracts/openapi/${name}.yaml`, from));
}
