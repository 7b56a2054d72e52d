import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteSqlDatabase, sqlStatement, type SqlDatabase } from '../../src/db/sql.js';

const ROW = sqlStatement('test_typed_row', `
  SELECT $1::bigint AS id, $2::timestamptz AS at, $3::jsonb AS doc, $4::text[] AS tags,
         $5::boolean AS flag, $6::text AS missing, $7::numeric AS amount, $8::int AS n`);
const PARAMS = [42n, new Date('2026-12-03T10:00:00.000Z'), { a: [1, 'x'] }, ['a', 'b c'], true, null, '1.50', 7];
const INSERT = sqlStatement('test_insert_item', 'INSERT INTO item (id, label) VALUES ($1, $2) RETURNING id, label');

describe('named statements on PGlite', () => {
  let db: PGlite;
  let sql: SqlDatabase;

  beforeAll(async () => {
    db = new PGlite();
    await db.exec('CREATE TABLE item (id int PRIMARY KEY, label text NOT NULL)');
    sql = pgliteSqlDatabase(db);
  });
  afterAll(() => db.close());

  const prepared = async () =>
    (await db.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map((r) => r.name);

  it('prepares a statement once, under its name, and binds it afterwards', async () => {
    await sql.query(ROW, PARAMS);
    await sql.query(ROW, PARAMS);
    expect(await prepared()).toContain('test_typed_row');
    const [stats] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'test_typed_row'`)).rows;
    expect(stats!.n).toBe(1);
  });

  it('returns the rows and types PGlite.query returns for the same text', async () => {
    const expected = await db.query(ROW.text, PARAMS);
    const got = await sql.query(ROW, PARAMS);
    expect(got.rows).toEqual(expected.rows);
    expect(got.rowCount).toBe(1);
  });

  it('reports a failed execution to its caller and keeps the statement usable', async () => {
    expect((await sql.query(INSERT, [1, 'one'])).rows).toEqual([{ id: 1, label: 'one' }]);
    await expect(sql.query(INSERT, [1, 'again'])).rejects.toMatchObject({ code: '23505' });
    expect((await sql.query(INSERT, [2, 'two'])).rowCount).toBe(1);
  });

  it('runs named statements inside a session, rolled back with it', async () => {
    const session = await sql.begin();
    await session.query(INSERT, [10, 'ten']);
    expect((await session.query(sqlStatement('test_count_items', 'SELECT count(*)::int AS n FROM item WHERE id = $1'), [10])).rows).toEqual([{ n: 1 }]);
    await session.rollback();
    expect((await db.query('SELECT 1 FROM item WHERE id = 10')).rows).toEqual([]);
  });

  it('shares prepared statements between two executors over one instance', async () => {
    const other = pgliteSqlDatabase(db);
    await expect(other.query(ROW, PARAMS)).resolves.toMatchObject({ rowCount: 1 });
  });

  it('prepares again after the statement was deallocated', async () => {
    await sql.query(ROW, PARAMS);
    await db.exec('DEALLOCATE ALL');
    expect((await sql.query(ROW, PARAMS)).rows).toHaveLength(1);
    // Inside a session the failed Bind aborts the transaction: that call fails, the next one prepares again.
    await db.exec('DEALLOCATE ALL');
    const session = await sql.begin();
    await expect(session.query(ROW, PARAMS)).rejects.toMatchObject({ code: '26000' });
    await session.rollback();
    expect((await sql.query(ROW, PARAMS)).rows).toHaveLength(1);
  });
});
