// Bundles console/src into console/dist: console-<hash>.js and console-<hash>.css
// (content-hashed, so the gateway can cache them for good), and index.html
// pointing at them. Files of earlier builds are removed after the new ones are
// written, so a running gateway never sees an empty folder.
// Usage: node console/build.mjs
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const dist = here('./dist');
const pkg = JSON.parse(readFileSync(here('../package.json'), 'utf8'));

mkdirSync(dist, { recursive: true });
const result = await build({
  entryPoints: { console: here('./src/main.tsx') },
  outdir: dist,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'iife',
  // The browser conditions pick socket.io-client's build without the `debug` package.
  platform: 'browser',
  target: 'es2020',
  tsconfig: here('./tsconfig.json'),
  define: { __VERSION__: JSON.stringify(pkg.version) },
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
const js = outputs.find((f) => f.endsWith('.js'));
const css = outputs.find((f) => f.endsWith('.css'));
if (!js || !css) throw new Error(`esbuild produced ${outputs.join(', ')}: expected one .js and one .css file`);

const html = readFileSync(here('./index.html'), 'utf8')
  .replace('/console/assets/console.js', `/console/assets/${js}`)
  .replace('/console/assets/console.css', `/console/assets/${css}`);
// A name of this process's own: instances started together from one folder build side by side.
const tmp = path.join(dist, `index.html.${process.pid}.tmp`);
writeFileSync(tmp, html);
renameSync(tmp, path.join(dist, 'index.html'));

for (const file of readdirSync(dist)) {
  if (file !== 'index.html' && !outputs.includes(file) && !file.endsWith('.tmp')) rmSync(path.join(dist, file), { force: true });
}
process.stdout.write(`built ${path.relative(process.cwd(), dist)}/{index.html,${js},${css}}\n`);
