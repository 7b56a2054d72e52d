// Prints the raw and gzipped size of the built console script and fails over the budget.
// Usage: node console/size.mjs [PATH]   (default: the console-<hash>.js in console/dist)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Gzipped bytes allowed for the console's script, Preact and socket.io-client included. */
export const GZIP_BUDGET = 80 * 1024;

const dist = fileURLToPath(new URL('./dist/', import.meta.url));
const built = existsSync(dist) ? readdirSync(dist).find((f) => /^console-[\w-]+\.js$/.test(f)) : undefined;
const file = process.argv[2] ?? (built && path.join(dist, built));
if (!file || !existsSync(file)) {
  process.stderr.write(`${file ?? path.join(dist, 'console-*.js')} does not exist: run \`npm run build:console\` first\n`);
  process.exit(2);
}
const raw = readFileSync(file);
const gz = gzipSync(raw, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
process.stdout.write(`${path.basename(file)}: ${kb(raw.length)} raw, ${kb(gz)} gzip (budget ${kb(GZIP_BUDGET)} gzip)\n`);
if (gz > GZIP_BUDGET) {
  process.stderr.write(`the console script is ${gz - GZIP_BUDGET} bytes over the gzip budget\n`);
  process.exit(1);
}
