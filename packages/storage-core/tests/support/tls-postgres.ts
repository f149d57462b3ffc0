// A private PostgreSQL server with TLS on, for the TLS tests: a throw-away CA
// and a server certificate for "localhost" (not for 127.0.0.1, so that
// verify-full can be seen to check the host name), made with the openssl CLI.

import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { privatePostgresUnavailableReason, startPrivatePostgres, type PrivatePostgres } from '@ag/storage-testing';

const run = promisify(execFile);

export interface TlsPostgres {
  server: PrivatePostgres;
  /** The CA that signed the server certificate (PEM file). */
  caFile: string;
  /** postgres://postgres@<host>:<port>/postgres */
  urlFor(host: 'localhost' | '127.0.0.1'): string;
}

/** Why a TLS server cannot run here, or undefined when it can. */
export function tlsPostgresUnavailableReason(): string | undefined {
  if (!existsSync('/usr/bin/openssl') && !process.env.PATH?.split(path.delimiter).some((d) => existsSync(path.join(d, 'openssl')))) {
    return 'no openssl command to make certificates';
  }
  return privatePostgresUnavailableReason();
}

export async function startTlsPostgres(): Promise<TlsPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ag-tls-'));
  const file = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2', '-subj', '/CN=ag-storage test CA']);
  await run('openssl', ['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost']);
  writeFileSync(file('ext.cnf'), 'subjectAltName=DNS:localhost\n');
  await run('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.crt'), '-days', '2', '-extfile', file('ext.cnf')]);
  if (process.getuid?.() === 0) {
    const [, , uid, gid] = (readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:')) ?? '').split(':');
    for (const target of [dir, file('server.key'), file('server.crt')]) chownSync(target, Number(uid), Number(gid));
  }

  const server = await startPrivatePostgres();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`ALTER SYSTEM SET ssl_cert_file = '${file('server.crt')}'`);
    await admin.query(`ALTER SYSTEM SET ssl_key_file = '${file('server.key')}'`);
    await admin.query(`ALTER SYSTEM SET ssl = on`);
    await admin.query('SELECT pg_reload_conf()');
  } finally {
    await admin.end();
  }
  // The reload is asynchronous: wait until the server accepts TLS.
  for (let attempt = 0; ; attempt += 1) {
    const probe = new pg.Client({ connectionString: server.url, ssl: { rejectUnauthorized: false } });
    try {
      await probe.connect();
      await probe.end();
      break;
    } catch (error) {
      await probe.end().catch(() => undefined);
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    server,
    caFile: file('ca.crt'),
    urlFor: (host) => `postgres://postgres@${host}:${server.port}/postgres`,
  };
}
