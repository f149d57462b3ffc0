// Credentials come from the environment: a config file names them with
// ${VAR}; a password written in the file itself is refused, and no error
// about a credential ever repeats it.

import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, loadConfig } from '../src/index.js';
import { urlHasLiteralPassword } from '../src/config/file-credentials.js';

const SECRET = 'Literal-Pw-4711';

function yamlFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ag-cred-')), 'ag-storage.yaml');
  writeFileSync(file, text);
  return file;
}

function refusal(yaml: string): ConfigurationError {
  const file = yamlFile(yaml);
  try {
    loadConfig({ file, env: {} });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected the file to be refused');
}

describe('passwords in a config file', () => {
  it.each([
    ['database.password', `database:\n  password: ${SECRET}\n`],
    ['database.password', `database:\n  password: "${SECRET}"\n`],
    ['database.password', `database:\n  password: 123456\n`],
    ['database.password', `database:\n  password: \${DB_PASSWORD:-${SECRET}}\n`],
    ['database.url', `database:\n  url: postgres://bot:${SECRET}@db:5432/trading\n`],
    ['database.url', `database:\n  url: postgres://bot:${SECRET}@\${DB_HOST}/trading\n`],
    ['database.url', `database:\n  url: postgres://bot@db/trading?sslmode=require&password=${SECRET}\n`],
  ])('refuses a literal %s, naming the key and the way out, without repeating it', (key, yaml) => {
    const error = refusal(yaml);
    expect(error.field).toBe(key);
    expect(error.message).toContain('literal password');
    expect(error.message).toContain('${DB_PASSWORD}');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('123456');
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(String(error.value)).toBe('***');
  });

  it('accepts a password named by ${VAR} in the password key or inside the URL', () => {
    const env = { DB_PASSWORD: SECRET, DB_URL: `postgres://bot:${SECRET}@db/x` };
    expect(loadConfig({ file: yamlFile('database:\n  password: ${DB_PASSWORD}\n'), env }).database.password).toBe(SECRET);
    expect(loadConfig({ file: yamlFile('database:\n  url: postgres://bot:${DB_PASSWORD}@db/x\n'), env }).database.url).toBe(`postgres://bot:${SECRET}@db/x`);
    expect(loadConfig({ file: yamlFile('database:\n  url: postgres://bot@db/x?password=${DB_PASSWORD}\n'), env }).database.url).toContain(SECRET);
    expect(loadConfig({ file: yamlFile('database:\n  url: ${DB_URL}\n'), env }).database.url).toBe(env.DB_URL);
    expect(loadConfig({ file: yamlFile('database:\n  password: ${DB_PASSWORD:-}\n'), env: {} }).database.password).toBe('');
  });

  it('accepts a URL without a password and a user alone', () => {
    const config = loadConfig({ file: yamlFile('database:\n  url: postgres://bot@db:5432/x?sslmode=require\n  user: bot\n'), env: {} });
    expect(config.database.url).toBe('postgres://bot@db:5432/x?sslmode=require');
  });

  it('takes passwords from the environment and from code as they are', () => {
    const fromEnv = loadConfig({ env: { DATABASE_URL: `postgres://bot:${SECRET}@db/x`, AG_STORAGE_DATABASE_PASSWORD: SECRET } });
    expect(fromEnv.database).toMatchObject({ url: `postgres://bot:${SECRET}@db/x`, password: SECRET });
    expect(loadConfig({ env: {}, overrides: { database: { password: SECRET } } }).database.password).toBe(SECRET);
  });

  it('lets the environment supply a file-less password even when the file sets the rest', () => {
    const file = yamlFile('database:\n  host: db.internal\n  user: bot\n');
    expect(loadConfig({ file, env: { AG_STORAGE_DATABASE_PASSWORD: SECRET } }).database).toMatchObject({ host: 'db.internal', password: SECRET });
  });

  it('keeps a numeric-looking password, user or database name from the environment a string', () => {
    const config = loadConfig({ env: { AG_STORAGE_DATABASE_PASSWORD: '123456', AG_STORAGE_DATABASE_USER: '007', AG_STORAGE_DATABASE_DATABASE: '2026' } });
    expect(config.database).toMatchObject({ password: '123456', user: '007', database: '2026' });
  });

  it('finds a literal password in URL userinfo and query parameters only', () => {
    expect(urlHasLiteralPassword('postgres://u:p@h/db')).toBe(true);
    expect(urlHasLiteralPassword('postgres://u:${P}@h/db')).toBe(false);
    expect(urlHasLiteralPassword('postgres://u:@h/db')).toBe(false);
    expect(urlHasLiteralPassword('postgres://u@h/db?PASSWORD=x')).toBe(true);
    expect(urlHasLiteralPassword('postgres://u@h/db?sslpassword=x')).toBe(true);
    expect(urlHasLiteralPassword('postgres://u@h/db?password=%24%7BP%7D')).toBe(false);
    expect(urlHasLiteralPassword('postgres://u@h:5432/db?application_name=password')).toBe(false);
    expect(urlHasLiteralPassword('pglite://./.data/x')).toBe(false);
  });
});

describe('configuration errors about secrets', () => {
  it('never show a password value, even a badly typed one from code', () => {
    const error = (() => {
      try {
        loadConfig({ env: {}, overrides: { database: { password: 123456 as unknown as string } } });
      } catch (e) {
        return e as ConfigurationError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.field).toBe('database.password');
    expect(error?.message).not.toContain('123456');
    expect(JSON.stringify(error)).not.toContain('123456');
  });

  it('mask a password inside a URL value they show', () => {
    const error = new ConfigurationError('database.url', `postgres://bot:${SECRET}@db/x`, 'unreachable');
    expect(error.message).toContain('postgres://bot:***@db/x');
    expect(error.message).not.toContain(SECRET);
    expect(error.value).toBe('postgres://bot:***@db/x');
  });
});
