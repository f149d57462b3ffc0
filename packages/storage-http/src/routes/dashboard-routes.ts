// GET / and the dashboard's files: plain HTML, CSS and JavaScript from
// public/, and uPlot served from its installed package (no CDN: the page
// works offline).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** public/ of this package: two levels up from src/routes/, one from the bundled dist/. */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PUBLIC_DIR = [path.resolve(HERE, '../../public'), path.resolve(HERE, '../public')].find((dir) => existsSync(path.join(dir, 'index.html'))) ?? path.resolve(HERE, '../../public');
const UPLOT_DIR = path.join(path.dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

export async function registerDashboardRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/', index: 'index.html', cacheControl: false });
  await app.register(fastifyStatic, { root: UPLOT_DIR, prefix: '/vendor/uplot/', decorateReply: false, cacheControl: false });
}
