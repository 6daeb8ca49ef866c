// Builds the package in the current directory for publishing: `dist/` holds its JavaScript, declarations and
// source maps (tsc -p tsconfig.build.json), and `dist/openapi/` the OpenAPI documents it ships, from
// contracts/openapi — the single source of truth: `<name>.yaml` copied as written, and `<name>.json`, the same document
// parsed by the kit's YAML parser, which the twin loads (JSON.parse instead of a YAML parse at every cold start).
// The consumer test (packages/consumer-test) proves the installed copies equal the source.
// Usage: node ../../scripts/build-package.mjs [spec name…]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const specs = process.argv.slice(2);
rmSync('dist', { recursive: true, force: true });
const require = createRequire(import.meta.url);
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// The licence travels in every tarball (`files` lists dist).
copyFileSync(new URL('../LICENSE', import.meta.url), 'dist/LICENSE');
if (specs.length) mkdirSync('dist/openapi');
const { parse } = createRequire(new URL('../packages/mock-kit/package.json', import.meta.url))('yaml');
for (const name of specs) {
  const source = new URL(`../contracts/openapi/${name}.yaml`, import.meta.url);
  copyFileSync(source, `dist/openapi/${name}.yaml`);
  writeFileSync(`dist/openapi/${name}.json`, JSON.stringify(parse(readFileSync(source, 'utf8'))));
}
