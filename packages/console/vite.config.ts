import { defineConfig } from 'vite';

// Preact through Vite's own JSX transform (no plugin): https://preactjs.com/guide/v10/getting-started#integrating-into-an-existing-pipeline
// `base: './'`: the files work from wherever the CLI serves them; everything is bundled, nothing is fetched from a CDN.
export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
});
