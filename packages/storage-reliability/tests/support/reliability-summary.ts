// The one-line JSON summary every reliability test prints, so that the
// figures of a run can be collected with `grep '^RELIABILITY '`; also
// appended to $RELIABILITY_SUMMARY_FILE when set.

import { appendFileSync } from 'node:fs';

export function printReliabilitySummary(test: string, figures: Record<string, unknown>): void {
  const line = `RELIABILITY ${JSON.stringify({ test, ...figures })}`;
  console.log(line);
  const file = process.env.RELIABILITY_SUMMARY_FILE;
  if (file) appendFileSync(file, `${line}\n`);
}
