// Adds up the JSON reports vitest wrote for each package (test-results/) and
// prints how many tests ran on each engine and how many were skipped, and
// why. An engine is the `[name]` tag a suite title carries (describeEachEngine
// and describeEachServer add it); a test with none is engine-independent.
// Under CI=true the run fails when a test was skipped for a reason that
// scripts/expected-skips.txt does not list, or when no test ran at all.
//
//   node scripts/test-summary.mjs [--reports <dir>] [--strict]

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ENGINE_TAG = /\[(embedded|postgres|timescaledb|docker|private postgres|private timescaledb|replica)\]/;
const SKIP_REASON = /\(skipped: (.*)\)\s*$/;

export function summarize(reports) {
  const engines = new Map();
  const skips = new Map();
  for (const report of reports) {
    for (const file of report.testResults ?? []) {
      for (const test of file.assertionResults ?? []) {
        const titles = [...(test.ancestorTitles ?? []), test.title ?? ''];
        const engine = titles.map((t) => ENGINE_TAG.exec(t)?.[1]).find(Boolean) ?? 'engine-independent';
        const counts = engines.get(engine) ?? { passed: 0, failed: 0, skipped: 0 };
        const status = test.status === 'passed' ? 'passed' : test.status === 'failed' ? 'failed' : 'skipped';
        counts[status] += 1;
        engines.set(engine, counts);
        if (status === 'skipped') {
          const reason =
            test.meta?.skipReason ?? titles.map((t) => SKIP_REASON.exec(t)?.[1]).find(Boolean) ?? '(no reason given)';
          const key = `${engine}: ${reason}`;
          skips.set(key, { engine, reason, count: (skips.get(key)?.count ?? 0) + 1 });
        }
      }
    }
  }
  return { engines, skips: [...skips.values()] };
}

export function readExpectedSkips(file = path.join(repoRoot, 'scripts', 'expected-skips.txt')) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => new RegExp(line));
}

export function unexpectedSkips(skips, expected) {
  return skips.filter((skip) => !expected.some((pattern) => pattern.test(skip.reason)));
}

function readReports(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith('vitest-') && name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')));
}

function formatTable(engines) {
  const order = ['embedded', 'postgres', 'timescaledb', 'private postgres', 'private timescaledb', 'replica', 'docker', 'engine-independent'];
  const names = [...engines.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const rows = names.map((name) => ({ name, ...engines.get(name) }));
  const total = rows.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
  rows.push({ name: 'total', ...total });
  const lines = [`${'engine'.padEnd(22)}${'passed'.padStart(8)}${'failed'.padStart(8)}${'skipped'.padStart(9)}`];
  for (const r of rows) lines.push(`${r.name.padEnd(22)}${String(r.passed).padStart(8)}${String(r.failed).padStart(8)}${String(r.skipped).padStart(9)}`);
  return { text: lines.join('\n'), total };
}

function main(argv) {
  const dirFlag = argv.indexOf('--reports');
  const dir = dirFlag >= 0 ? argv[dirFlag + 1] : path.join(repoRoot, 'test-results');
  const strict = argv.includes('--strict') || process.env.CI === 'true';
  const reports = readReports(dir);
  const { engines, skips } = summarize(reports);
  const { text, total } = formatTable(engines);
  console.log(`\nTests per engine (from vitest's JSON reports of ${reports.length} packages):\n${text}`);
  if (skips.length > 0) {
    console.log('\nSkipped:');
    for (const s of skips) console.log(`  ${String(s.count).padStart(4)}  ${s.engine}: ${s.reason}`);
  }
  let failed = false;
  if (total.passed + total.failed === 0) {
    console.error('\nNo test ran.');
    failed = true;
  }
  if (strict) {
    const unexpected = unexpectedSkips(skips, readExpectedSkips());
    if (unexpected.length > 0) {
      console.error('\nSkips this run did not expect (scripts/expected-skips.txt lists the expected ones):');
      for (const s of unexpected) console.error(`  ${s.count} x ${s.engine}: ${s.reason}`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.exitCode = main(process.argv.slice(2));
}
