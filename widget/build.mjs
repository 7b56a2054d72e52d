// Bundles widget/src into one minified IIFE, widget/dist/widget.js (or --outfile PATH).
// Usage: node widget/build.mjs [--outfile PATH]
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const pkg = JSON.parse(readFileSync(here('../package.json'), 'utf8'));
const at = process.argv.indexOf('--outfile');
const outfile = at > 0 && process.argv[at + 1] ? process.argv[at + 1] : here('./dist/widget.js');

const result = await build({
  entryPoints: [here('./src/main.ts')],
  outfile,
  write: false,
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
// Written beside and renamed, under a name of this process's own: a gateway serving it never reads
// half a file, and instances started together from one folder build side by side.
mkdirSync(path.dirname(outfile), { recursive: true });
for (const file of result.outputFiles) {
  writeFileSync(`${file.path}.${process.pid}.tmp`, file.contents);
  renameSync(`${file.path}.${process.pid}.tmp`, file.path);
}
process.stdout.write(`built ${outfile}\n`);
