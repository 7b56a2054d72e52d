// Prints the raw and gzipped size of the built widget and fails over the budget.
// Usage: node widget/size.mjs [PATH]   (default widget/dist/widget.js)
import { existsSync, readFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Gzipped bytes allowed for widget.js, socket.io-client included. */
export const GZIP_BUDGET = 30 * 1024;

const file = process.argv[2] ?? fileURLToPath(new URL('./dist/widget.js', import.meta.url));
if (!existsSync(file)) {
  process.stderr.write(`${file} does not exist: run \`npm run build:widget\` first\n`);
  process.exit(2);
}
const raw = readFileSync(file);
const gz = gzipSync(raw, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
process.stdout.write(`widget.js: ${kb(raw.length)} raw, ${kb(gz)} gzip (budget ${kb(GZIP_BUDGET)} gzip)\n`);
if (gz > GZIP_BUDGET) {
  process.stderr.write(`widget.js is ${gz - GZIP_BUDGET} bytes over the gzip budget\n`);
  process.exit(1);
}
