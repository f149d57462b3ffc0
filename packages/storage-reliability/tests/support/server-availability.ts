// Which servers the reliability suites can use here, and why not, for the
// skip messages: the shared server (probed once per run by the global
// setup) and a private server started by the test (initdb + pg_ctl).

import { privatePostgresUnavailableReason, testEngines } from '@ag/storage-testing';

/** The shared server's admin URL, or the reason it is unavailable. */
export function sharedServer(): { url: string; reason?: undefined } | { url?: undefined; reason: string } {
  const postgres = testEngines().find((e) => e.engine === 'postgres');
  if (postgres?.available && postgres.url) return { url: postgres.url };
  return { reason: postgres?.reason ?? 'no PostgreSQL server was probed' };
}

export function privateServerUnavailable(): string | undefined {
  return privatePostgresUnavailableReason();
}

/** A suite title that says why it was skipped. */
export function titled(title: string, skipReason: string | undefined): string {
  return skipReason ? `${title} (skipped: ${skipReason})` : title;
}
