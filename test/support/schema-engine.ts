/**
 * Prisma's schema engine as WebAssembly (`@prisma/schema-engine-wasm`), for tests
 * that compare the migrations with schema.prisma or check the migration history
 * the way `prisma migrate` would, on machines without Prisma's native engine.
 *
 * The package's main entry imports the .wasm file as an ES module, which plain
 * Node refuses (ERR_UNKNOWN_FILE_EXTENSION), so we load the wasm-bindgen glue
 * (`/schema_engine_bg`) and instantiate the module ourselves.
 * SCHEMA_ENGINE_WASM=cli uses the wasm shipped inside the prisma CLI package
 * instead (same engine build as the installed CLI).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

const require = createRequire(import.meta.url);

let engineClass: typeof glue.SchemaEngine | null = null;

// The project compiles without the DOM library, which is where TypeScript declares WebAssembly.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function wasmPath(): string {
  if (process.env.SCHEMA_ENGINE_WASM === 'cli') {
    return path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'schema_engine_bg.wasm');
  }
  return path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
}

/** Instantiates the wasm once per process (wasm-bindgen keeps module-global state). */
function loadEngineClass(): typeof glue.SchemaEngine {
  if (engineClass) return engineClass;
  const module = new wasm.Module(readFileSync(wasmPath()));
  const instance = new wasm.Instance(module, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  engineClass = glue.SchemaEngine;
  return engineClass;
}

export interface OpenedSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes every PGlite it was given (shadow databases included). */
  close(): Promise<void>;
}

/**
 * A schema engine on `main` (default: a new in-memory PGlite). Shadow databases,
 * where the engine replays migrations, are fresh in-memory PGlites closed by `close()`.
 */
export async function openSchemaEngine(opts: { schemaPath?: string; main?: PGlite } = {}): Promise<OpenedSchemaEngine> {
  const SchemaEngineClass = loadEngineClass();
  const main = opts.main ?? new PGlite();
  const owned: PGlite[] = opts.main ? [] : [main];
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: 'pglite-prisma-adapter',
    connect: () => new PrismaPGlite(main).connect(),
    connectToShadowDb: () => {
      const shadow = new PGlite();
      owned.push(shadow);
      return new PrismaPGlite(shadow).connect();
    },
  };
  const datamodels: [string, string][] | undefined = opts.schemaPath
    ? [[opts.schemaPath, readFileSync(opts.schemaPath, 'utf8')]]
    : undefined;
  const engine = await SchemaEngineClass.new({ datamodels }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
  return {
    engine,
    close: async () => {
      engine.free();
      await Promise.all(owned.map((db) => (db.closed ? undefined : db.close())));
    },
  };
}

/** prisma/migrations in the shape the engine expects. */
export function readMigrationList(migrationsDir: string): MigrationList {
  const baseDir = path.resolve(migrationsDir);
  const lockPath = path.join(baseDir, 'migration_lock.toml');
  const names = readdirSync(baseDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: names.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(path.join(baseDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

export const NO_FILTER = { externalTables: [], externalEnums: [] };
