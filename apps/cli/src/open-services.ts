// The stores a command works with (@ag/storage-services' StorageServices) over the
// storage the global options name, closed together afterwards.

import { openStorageServices, type OpenStorageServicesOptions, type StorageServices } from '@ag/storage-services';
import { openStorage, type GlobalOptions } from './open-storage.js';

export async function withServices<T>(
  globals: GlobalOptions,
  fn: (services: StorageServices) => Promise<T>,
  options: OpenStorageServicesOptions = {},
): Promise<T> {
  const storage = await openStorage(globals);
  const services = openStorageServices(storage, options);
  try {
    return await fn(services);
  } finally {
    await services.metrics.close().catch(() => undefined);
    await storage.close();
  }
}
