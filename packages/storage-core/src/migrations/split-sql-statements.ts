// Splits a SQL script into statements for migrations that must run outside a
// transaction (where each statement is sent on its own). Understands quotes,
// quoted identifiers, dollar quoting and both comment styles.

export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;
  const push = (end: number) => {
    const text = script.slice(start, end).trim();
    if (text && !isOnlyComments(text)) statements.push(text);
  };
  while (i < n) {
    const ch = script[i];
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      const eol = script.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
    } else if (ch === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (script[i] === '/' && script[i + 1] === '*') (depth += 1), (i += 2);
        else if (script[i] === '*' && script[i + 1] === '/') (depth -= 1), (i += 2);
        else i += 1;
      }
    } else if (ch === "'" || ch === '"') {
      i += 1;
      while (i < n) {
        if (script[i] === ch) {
          if (script[i + 1] === ch) i += 2;
          else break;
        } else i += 1;
      }
      i += 1;
    } else if (ch === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i))?.[0];
      if (tag) {
        const close = script.indexOf(tag, i + tag.length);
        i = close === -1 ? n : close + tag.length;
      } else i += 1;
    } else if (ch === ';') {
      push(i);
      i += 1;
      start = i;
    } else i += 1;
  }
  push(n);
  return statements;
}

function isOnlyComments(text: string): boolean {
  return text.replace(/--[^\n]*(\n|$)/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim() === '';
}
