// Copies the built QA console (packages/console/dist, turbo builds it first: `dependsOn: ["^build"]`) into
// dist/console/, so it ships in @doppel/cli's tarball and `doppel start` serves it from an installed package.
import { cpSync, existsSync } from 'node:fs';

const from = new URL('../console/dist/', import.meta.url);
if (!existsSync(new URL('index.html', from))) throw new Error('packages/console is not built: run `pnpm build` (turbo builds it first)');
cpSync(from, new URL('./dist/console/', import.meta.url), { recursive: true });
