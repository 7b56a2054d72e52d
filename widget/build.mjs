// Bundles widget/src into one minified IIFE, widget/dist/widget.js (or --outfile PATH).
// Usage: node widget/build.mjs [--outfile PATH]
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const pkg = JSON.parse(readFileSync(here('../package.json'), 'utf8'));
const at = process.argv.indexOf('--outfile');
const outfile = at > 0 && process.argv[at + 1] ? process.argv[at + 1] : here('./dist/widget.js');

await build({
  entryPoints: [here('./src/main.ts')],
  outfile,
  bundle: true,
  minify: true,
  format: 'iife',
  // The browser conditions pick socket.io-client's build without the `debug` package.
  platform: 'browser',
  target: 'es2020',
  tsconfig: here('./tsconfig.json'),
  define: { __VERSION__: JSON.stringify(pkg.version) },
  legalComments: 'none',
  logLevel: 'warning',
});
process.stdout.write(`built ${outfile}\n`);
