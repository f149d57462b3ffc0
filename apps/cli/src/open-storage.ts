// How every command opens storage: --url, else DATABASE_URL / config, else
// the embedded default. Logs stay quiet unless --verbose.

import { createStorage, type Storage } from '@ag/storage-core';

export interface GlobalOptions {
  url?: string;
  config?: string;
  verbose?: boolean;
}

export function openStorage(options: GlobalOptions): Promise<Storage> {
  return createStorage({
    ...(options.url ? { url: options.url } : {}),
    ...(options.config ? { configFile: options.config } : {}),
    config: { logging: { level: options.verbose ? 'info' : 'warn' } },
  });
}
