// Whether the reliability suites that start a server of their own (initdb +
// pg_ctl, see @ag/storage-testing's private-postgres) can run here, for the
// skip messages. The suites on the shared servers use describeEachServer.

import { privatePostgresUnavailableReason } from '@ag/storage-testing';

export function privateServerUnavailable(): string | undefined {
  return privatePostgresUnavailableReason();
}
