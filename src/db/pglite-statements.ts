/**
 * Named prepared statements on PGlite. `PGlite.query` sends every statement as
 * an unnamed Parse, Describe, Bind, Describe, Execute, Sync (six calls into its
 * WebAssembly), so PostgreSQL parses, analyses and plans the text again on every
 * call: about two thirds of PGlite's time per web chat message (issue 12). Here
 * a statement is parsed once per PGlite instance (a named Parse, and a Describe
 * for its parameter types); each execution is then one call carrying Bind,
 * Describe, Execute and Sync, and PostgreSQL's plan cache keeps its plan as it
 * does for a named statement over `pg`.
 *
 * The rows are parsed by PGlite's own `parseResults` with the instance's
 * parsers, and parameters serialised by its serializers, as `query` does: the
 * same values come back either way.
 *
 * PGlite's wire protocol API: https://pglite.dev/docs/api#execprotocol
 */
import { parse, protocol, type PGlite, type Results } from '@electric-sql/pglite';
import type { SqlStatement } from './sql-statement.js';

interface Prepared {
  /** Parameter type oids, as PostgreSQL inferred them for the statement. */
  paramTypes: number[];
}

/** Statements prepared on each instance: a named statement lives as long as its PGlite. */
const preparedByDb = new WeakMap<PGlite, Map<string, Prepared>>();

/** 26000: the statement is not prepared (after a `DEALLOCATE`, say). */
const INVALID_STATEMENT_NAME = '26000';

/** Runs `statement` with `params` as its prepared form; `inTransaction` when the caller holds PGlite's transaction (a session). */
export async function queryPrepared<Row>(
  db: PGlite,
  statement: SqlStatement,
  params: readonly unknown[],
  inTransaction: boolean,
): Promise<Results<Row>> {
  const run = () => db._runExclusiveQuery(() => execute<Row>(db, statement, params, !inTransaction));
  if (inTransaction) return run();
  // Outside a session, wait for any open transaction as `PGlite.query` does, then persist as it does.
  const result = await db._runExclusiveTransaction(run);
  await db.syncToFs();
  return result;
}

// Inside a transaction a failed Bind has aborted it: the statement is forgotten, prepared again on its next call.
async function execute<Row>(db: PGlite, statement: SqlStatement, params: readonly unknown[], mayRetry: boolean): Promise<Results<Row>> {
  const prepared = await prepare(db, statement);
  try {
    return await bindAndExecute<Row>(db, prepared, statement, params);
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_STATEMENT_NAME) throw error;
    statementsOf(db).delete(statement.name);
    if (!mayRetry) throw error;
    return bindAndExecute<Row>(db, await prepare(db, statement), statement, params);
  }
}

async function prepare(db: PGlite, statement: SqlStatement): Promise<Prepared> {
  const statements = statementsOf(db);
  const known = statements.get(statement.name);
  if (known) return known;
  const { serialize } = protocol;
  const messages = await db.execProtocolStream(
    concat([serialize.parse({ name: statement.name, text: statement.text }), serialize.describe({ type: 'S', name: statement.name }), serialize.sync()]),
    { syncToFs: false },
  );
  const prepared = { paramTypes: parse.parseDescribeStatementResults(messages) };
  statements.set(statement.name, prepared);
  return prepared;
}

async function bindAndExecute<Row>(db: PGlite, prepared: Prepared, statement: SqlStatement, params: readonly unknown[]): Promise<Results<Row>> {
  const values = params.map((value, i) => serializeParam(db, prepared.paramTypes[i], value));
  const { serialize } = protocol;
  const message = concat([
    serialize.bind({ statement: statement.name, values }),
    serialize.describe({ type: 'P' }),
    serialize.execute({}),
    serialize.sync(),
  ]);
  const messages = await db.execProtocolStream(message, { syncToFs: false });
  return parse.parseResults(messages, db.parsers)[0] as Results<Row>;
}

// As `PGlite.query` serialises a parameter: null stays null, a known type uses its serializer, anything else its text.
function serializeParam(db: PGlite, type: number | undefined, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const serializer = type === undefined ? undefined : db.serializers[type];
  return serializer ? (serializer(value) as string) : String(value);
}

function statementsOf(db: PGlite): Map<string, Prepared> {
  let statements = preparedByDb.get(db);
  if (!statements) preparedByDb.set(db, (statements = new Map()));
  return statements;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
