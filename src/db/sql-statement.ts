/**
 * A parameterised statement with a stable name: on PostgreSQL each connection
 * parses and plans it once (a named prepared statement) and only binds it
 * afterwards; on PGlite the instance does (pglite-statements.ts). Define
 * statements once, at module level: a name must always carry the same text.
 * (A module of its own: sql.ts and pglite-statements.ts both use it.)
 */
export interface SqlStatement {
  readonly name: string;
  readonly text: string;
}

export function sqlStatement(name: string, text: string): SqlStatement {
  return { name, text };
}
