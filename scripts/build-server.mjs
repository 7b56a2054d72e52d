// Builds what `npm start` runs, so it runs compiled JavaScript and no compiler
// stays in the gateway's process: the server bundle dist/main.js (src/ in one
// ES module, npm packages left as imports, a source map beside it) when it is
// missing or older than one of its inputs, and the widget and the console
// bundles (their own build scripts, run side by side).
// Usage: node scripts/build-server.mjs [--force] [--server-only]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const bundle = path.join(dist, 'main.js');
/** esbuild's metafile of the last build: its inputs are what the bundle is checked against. */
const meta = path.join(dist, 'main.meta.json');
/** Besides the sources: what changes how they are built. */
const CONFIG = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build-server.mjs'];

/** Runs `node <script>` from the package root; rejects when it fails. */
function runNode(script) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${script} failed (${signal ?? `code ${code}`})`))));
  });
}

const mtime = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity;

/** Why the bundle needs building, or null when it is newer than everything it was built from. */
function staleReason() {
  if (!existsSync(bundle) || !existsSync(meta)) return 'no bundle yet';
  const built = statSync(bundle).mtimeMs;
  const inputs = [...Object.keys(JSON.parse(readFileSync(meta, 'utf8')).inputs), ...CONFIG];
  const changed = inputs.find((file) => mtime(path.resolve(root, file)) > built);
  return changed ? `${changed} changed` : null;
}

async function buildServer() {
  const reason = process.argv.includes('--force') ? 'forced' : staleReason();
  if (!reason) return;
  const started = new Date();
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/main.ts'],
    outdir: dist,
    // Channels loaded only when configured (src/main.ts) get chunks of their own, so their SDKs are too.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // node_modules stay where they are: resolved by Node at run time, as in development.
    packages: 'external',
    tsconfig: 'tsconfig.json',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(dist, { recursive: true });
  // Written beside and renamed, so a gateway starting meanwhile never reads half a file; the
  // metafile goes last, so an interrupted build is redone.
  // The entry last: a gateway starting meanwhile finds every chunk it names.
  const files = [...result.outputFiles].sort((a, b) => Number(a.path.startsWith(bundle)) - Number(b.path.startsWith(bundle)));
  for (const file of files) {
    mkdirSync(path.dirname(file.path), { recursive: true });
    // Names of this process's own: instances started together from one folder build side by side.
    writeFileSync(`${file.path}.${process.pid}.tmp`, file.contents);
    renameSync(`${file.path}.${process.pid}.tmp`, file.path);
  }
  // Dated when the build began: a source saved while it ran counts as newer.
  utimesSync(bundle, started, started);
  writeFileSync(`${meta}.${process.pid}.tmp`, JSON.stringify(result.metafile));
  renameSync(`${meta}.${process.pid}.tmp`, meta);
  process.stdout.write(`built ${path.relative(process.cwd(), bundle)} (${reason})\n`);
}

const serverOnly = process.argv.includes('--server-only');
await Promise.all([buildServer(), ...(serverOnly ? [] : [runNode('widget/build.mjs'), runNode('console/build.mjs')])]);
