/**
 * A small SQL executor over the driver under Prisma (a `pg` pool, or the PGlite
 * instance), for hot paths where Prisma's query interpreter and interactive
 * transactions cost more than the statements themselves. Prisma stays the way
 * to reach the data everywhere else; both share the same connections.
 *
 * Rows come back as the driver parses them. The two drivers differ on `bigint`
 * (`pg`: string, PGlite: number), so queries cast ids to text and counts to int.
 */
import type { PGlite, Results, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type pg from 'pg';
import { queryPrepared } from './pglite-statements.js';
import type { SqlStatement } from './sql-statement.js';

export { sqlStatement, type SqlStatement } from './sql-statement.js';

export interface SqlResult<Row> {
  rows: Row[];
  /** Rows returned, or touched by INSERT / UPDATE / DELETE. */
  rowCount: number;
}

export interface SqlQueryable {
  query<Row = Record<string, unknown>>(statement: SqlStatement | string, params?: readonly unknown[]): Promise<SqlResult<Row>>;
}

/** One connection inside BEGIN, until `commit` or `rollback` (each releases it). */
export interface SqlSession extends SqlQueryable {
  /** Commits; throws (after rolling back) if a statement of the session failed. */
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface SqlDatabase extends SqlQueryable {
  kind: 'postgres' | 'pglite';
  /** Opens a transaction on a connection of its own. */
  begin(): Promise<SqlSession>;
}

/** The statement a failed COMMIT turned into a rollback: PostgreSQL answers COMMIT with ROLLBACK without an error. */
export class SqlAbortedTransactionError extends Error {
  override readonly name = 'SqlAbortedTransactionError';
  readonly code = '25P02'; // in_failed_sql_transaction
  constructor() {
    super('the transaction was rolled back: one of its statements had failed');
  }
}

/** `pg` pool: statements outside a session take any idle connection. */
export function pgSqlDatabase(pool: pg.Pool): SqlDatabase {
  return {
    kind: 'postgres',
    query: (statement, params) => pgQuery(pool, statement, params),
    async begin() {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
      return pgSession(client);
    },
  };
}

async function pgQuery<Row>(
  db: pg.Pool | pg.PoolClient,
  statement: SqlStatement | string,
  params: readonly unknown[] = [],
): Promise<SqlResult<Row>> {
  const config = typeof statement === 'string' ? { text: statement } : { name: statement.name, text: statement.text };
  const result = await db.query<Row & pg.QueryResultRow>({ ...config, values: params as unknown[] });
  return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
}

function pgSession(client: pg.PoolClient): SqlSession {
  let failed = false;
  let released = false;
  const release = (error?: Error): void => {
    if (released) return;
    released = true;
    // A connection whose ROLLBACK failed is destroyed rather than reused in an unknown state.
    client.release(error);
  };
  const end = async (command: 'COMMIT' | 'ROLLBACK'): Promise<void> => {
    if (released) throw new Error('the transaction is already over');
    try {
      await client.query(command);
      release();
    } catch (error) {
      release(error as Error);
      throw error;
    }
  };
  return {
    async query(statement, params) {
      try {
        return await pgQuery(client, statement, params);
      } catch (error) {
        failed = true;
        throw error;
      }
    },
    async commit() {
      if (!failed) return end('COMMIT');
      await end('ROLLBACK');
      throw new SqlAbortedTransactionError();
    },
    rollback: () => end('ROLLBACK'),
  };
}

/**
 * PGlite is one connection: `query` and `transaction` queue behind an open
 * transaction, so statements from outside never run inside another's. A
 * session keeps PGlite's `transaction` callback open until it ends.
 */
export function pgliteSqlDatabase(db: PGlite): SqlDatabase {
  return {
    kind: 'pglite',
    async query<Row>(statement: SqlStatement | string, params: readonly unknown[] = []) {
      if (typeof statement !== 'string') return pgliteResult(await queryPrepared<Row>(db, statement, params, false));
      return pgliteResult(await db.query<Row>(statement, params as unknown[]));
    },
    begin: () => pgliteSession(db),
  };
}

function pgliteSession(db: PGlite): Promise<SqlSession> {
  return new Promise((resolve, reject) => {
    let end!: (commit: boolean) => void;
    const ended = new Promise<boolean>((r) => (end = r));
    let opened = false;
    const done = db.transaction(async (tx: PGliteTransaction) => {
      opened = true;
      resolve(session(tx));
      if (!(await ended)) await tx.rollback();
    });
    // Before the callback ran, a failure is BEGIN's and rejects begin(); after, commit/rollback report it.
    done.catch((error: unknown) => {
      if (!opened) reject(error);
    });
    const session = (tx: PGliteTransaction): SqlSession => ({
      async query<Row>(statement: SqlStatement | string, params: readonly unknown[] = []) {
        if (tx.closed) throw new Error('Transaction is closed'); // as PGlite's own tx.query
        if (typeof statement !== 'string') return pgliteResult(await queryPrepared<Row>(db, statement, params, true));
        return pgliteResult(await tx.query<Row>(statement, params as unknown[]));
      },
      async commit() {
        end(true);
        await done;
      },
      async rollback() {
        end(false);
        await done;
      },
    });
  });
}

// PGlite reports 0 affected rows for a SELECT: the rows returned count then.
function pgliteResult<Row>(result: Results<Row>): SqlResult<Row> {
  return { rows: result.rows, rowCount: Math.max(result.rows.length, result.affectedRows ?? 0) };
}
