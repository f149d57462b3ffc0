// Starts the load test's bots as child Node processes (tsx with the source
// condition, as the root scripts run the apps) and collects the one
// `FLEET_BOT` line each prints when it is done.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IngestStats } from '@ag/storage-metrics';
import type { ExecutionProducerReport } from './execution-producers.js';
import type { ProducerReport } from './sequence-producers.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(packageDir, 'fixtures/fleet-bot.ts');
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

export interface FleetBotReport {
  bot: string;
  runMs: number;
  points: ProducerReport[];
  executions: ExecutionProducerReport[];
  ingest: IngestStats;
  pool: { maxWaiting: number; maxTotal: number; samples: number; samplesWithWaiters: number; max: number };
  closeError?: string;
}

export interface FleetBotExit {
  bot: string;
  code: number | null;
  report: FleetBotReport | undefined;
  stderr: string;
}

export interface FleetBotOptions {
  url: string;
  bot: string;
  durationMs: number;
  baseTimeMs: number;
}

export function runFleetBot(options: FleetBotOptions): Promise<FleetBotExit> {
  const { url, bot, durationMs, baseTimeMs } = options;
  const args = ['--url', url, '--bot', bot, '--duration-ms', String(durationMs), '--base-time-ms', String(baseTimeMs)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsxCli, '--conditions=source', fixture, ...args], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('FLEET_BOT '));
      resolve({ bot, code, report: line ? (JSON.parse(line.slice('FLEET_BOT '.length)) as FleetBotReport) : undefined, stderr });
    });
  });
}
