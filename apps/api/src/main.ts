#!/usr/bin/env node
// The HTTP API process: opens the configured storage (DATABASE_URL or the
// config file, migrated), serves @ag/storage-http on HOST:PORT (API_TOKEN
// protects /api) and closes everything on SIGINT/SIGTERM. All behaviour lives
// in the packages; this file only wires them into a process.

import { createStorage } from '@ag/storage-core';
import { createApiServer } from '@ag/storage-http';
import { openStorageServices } from '@ag/storage-services';

const storage = await createStorage({ migrate: true });
const services = openStorageServices(storage);
const token = process.env.API_TOKEN;
const server = await createApiServer(services, token ? { token } : {});
const address = await server.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
console.log(`serving the API and dashboard on ${address}/${token ? ' (API_TOKEN required on /api)' : ''}`);
const stop = async () => {
  await server.close();
  await services.metrics.close();
  await storage.close();
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
