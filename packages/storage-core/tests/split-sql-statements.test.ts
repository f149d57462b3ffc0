// The statement splitter used for no-transaction migrations.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from '../src/index.js';

describe('splitSqlStatements', () => {
  it('splits on semicolons outside quotes, identifiers, dollar quotes and comments', () => {
    const script = `
      -- leading comment; not a statement
      CREATE TABLE "a;b" (x text DEFAULT 'it''s; fine');
      /* block; comment /* nested; */ still */
      DO $$ BEGIN PERFORM 1; END $$;
      CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
      SELECT 'tail'`;
    expect(splitSqlStatements(script)).toEqual([
      `-- leading comment; not a statement\n      CREATE TABLE "a;b" (x text DEFAULT 'it''s; fine')`,
      `/* block; comment /* nested; */ still */\n      DO $$ BEGIN PERFORM 1; END $$`,
      `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$`,
      `SELECT 'tail'`,
    ]);
  });

  it('drops empty statements and comment-only tails', () => {
    expect(splitSqlStatements(';;\n-- only a comment\n')).toEqual([]);
  });

  it('recovers any list of simple statements joined with semicolons', () => {
    const literal = fc.string().map((s) => `'${s.replace(/'/g, "''")}'`);
    const statement = literal.map((l) => `SELECT ${l}`);
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 8 }), (statements) => {
        expect(splitSqlStatements(statements.join(';\n'))).toEqual(statements);
      }),
    );
  });
});
