/**
 * Fails when prisma/schema.prisma was changed without a migration: Prisma's schema
 * engine (WebAssembly) replays prisma/migrations on an in-memory PGlite and diffs
 * the result against the schema; the diff must be empty.
 * To write the missing migration: see docs/database.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../src/db/migrate.js';
import { NO_FILTER, openSchemaEngine, readMigrationList, type OpenedSchemaEngine } from '../support/schema-engine.js';

const root = findPackageRoot();
const schemaPath = path.join(root, 'prisma', 'schema.prisma');
const migrations = readMigrationList(path.join(root, 'prisma', 'migrations'));
const EMPTY = '-- This is an empty migration.';

describe('schema drift', () => {
  let opened: OpenedSchemaEngine;
  beforeAll(async () => {
    opened = await openSchemaEngine({ schemaPath });
  });
  afterAll(async () => {
    await opened?.close();
  });

  const diffTo = async (schema: string): Promise<{ exitCode: number; sql: string }> => {
    const out = await opened.engine.diff({
      from: { tag: 'migrations', ...migrations },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    return { exitCode: out.exitCode, sql: (out.stdout ?? '').trim() };
  };

  it('prisma/migrations produce exactly prisma/schema.prisma', async () => {
    const { exitCode, sql } = await diffTo(readFileSync(schemaPath, 'utf8'));
    // A non-empty script here is the migration that is missing.
    expect(sql).toBe(EMPTY);
    expect(exitCode).toBe(0);
  });

  it('notices a column added to the schema without a migration', async () => {
    const schema = readFileSync(schemaPath, 'utf8').replace(
      /model Customer \{\n/,
      'model Customer {\n  nickname String?\n',
    );
    const { exitCode, sql } = await diffTo(schema);
    expect(exitCode).toBe(2);
    expect(sql).toMatch(/ALTER TABLE "customer" ADD COLUMN\s+"nickname" TEXT/);
  });
});
