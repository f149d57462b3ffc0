// `ag-storage serve`: the HTTP API and dashboard over the configured
// storage (API_TOKEN protects /api), optionally with the lifecycle
// scheduler, until Ctrl-C (or --duration seconds).

import type { Command } from 'commander';
import { createApiServer } from '@ag/storage-http';
import { openStorageServices } from '@ag/storage-services';
import { RetentionScheduler } from '@ag/storage-retention';
import { UsageError } from '../command-errors.js';
import { openStorage, type GlobalOptions } from '../open-storage.js';

export function registerServeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description('serve the HTTP API and the dashboard (API_TOKEN: bearer token for /api)')
    .option('--port <port>', 'port (PORT; 0 = any free port)', process.env.PORT ?? '3000')
    .option('--host <host>', 'address to listen on (HOST)', process.env.HOST ?? '127.0.0.1')
    .option('--scheduler', 'also run the lifecycle scheduler (retention, compression, rollup refresh)')
    .option('--duration <seconds>', 'stop after this many seconds')
    .action(async (options: { port: string; host: string; scheduler?: boolean; duration?: string }) => {
      const port = Number(options.port);
      if (!/^\d+$/.test(options.port) || port > 65535) throw new UsageError(`invalid --port: 0..65535, got "${options.port}"`);
      const duration = options.duration === undefined ? undefined : Number(options.duration);
      if (duration !== undefined && (!/^\d+$/.test(options.duration ?? '') || duration < 1)) throw new UsageError(`invalid --duration: whole seconds, got "${options.duration}"`);
      const storage = await openStorage(globals());
      const services = openStorageServices(storage);
      const scheduler = options.scheduler ? new RetentionScheduler(services.retention).start() : undefined;
      if (scheduler) services.scheduler = scheduler;
      const token = process.env.API_TOKEN;
      const server = await createApiServer(services, token ? { token } : {});
      try {
        await server.listen({ port, host: options.host });
        const address = server.server.address();
        const actual = typeof address === 'object' && address ? address.port : port;
        console.log(`serving the API and dashboard on http://${options.host}:${actual}/${token ? ' (API_TOKEN required on /api)' : ''}`);
        await new Promise<void>((resolve) => {
          const timer = duration === undefined ? undefined : setTimeout(() => stop(), duration * 1000);
          const stop = () => {
            clearTimeout(timer);
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        console.log('stopping');
      } finally {
        await server.close();
        await scheduler?.stop();
        await services.metrics.close();
        await storage.close();
      }
    });
}
