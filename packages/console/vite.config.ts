import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** Swagger UI's licence and notices (Apache-2.0, with the bundled libraries' ones) beside the files that bundle it. */
function swaggerUiLicences(): Plugin {
  const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const files = ['LICENSE', 'NOTICE', 'swagger-ui-es-bundle.js.LICENSE.txt'];
  return {
    name: 'doppel-swagger-ui-licences',
    generateBundle() {
      for (const f of files) this.emitFile({ type: 'asset', fileName: `licences/swagger-ui/${f}`, source: readFileSync(join(dir, f)) });
    },
  };
}

// Preact through Vite's own JSX transform (no plugin): https://preactjs.com/guide/v10/getting-started#integrating-into-an-existing-pipeline
// `base: './'`: the files work from wherever the CLI serves them; everything is bundled, nothing is fetched from a CDN.
// Two pages: the console (index.html) and the API reference (reference.html, Swagger UI: loaded only there).
export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [swaggerUiLicences()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 2048,
    rollupOptions: { input: { console: 'index.html', reference: 'reference.html' } },
  },
});
