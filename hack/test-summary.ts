// Prints the one summary line CI reads, `tests: N passed, N failed`, from Vitest's JSON report plus
// the type-check and lint results. Exits non-zero when the report is missing or ran no test.
import { existsSync, readFileSync } from 'node:fs';

const [file = '', checksPassedArg = '0', checksFailedArg = '0'] = process.argv.slice(2);
const checksPassed = Number(checksPassedArg);
const checksFailed = Number(checksFailedArg);

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  testResults: { name: string; status: string; message?: string; assertionResults: { status: string }[] }[];
}

if (!existsSync(file)) {
  console.log(`tests: ${checksPassed} passed, ${checksFailed + 1} failed`);
  console.error('[test] Vitest wrote no report: it did not run');
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
// A file that failed to load (import error, hook failure) has no failed test of its own: count it once.
const brokenFiles = report.testResults.filter(
  (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
);
for (const f of brokenFiles)
  console.error(`[test] ${f.name} failed to run: ${(f.message ?? '').split('\n')[0]}`);
const failed = report.numFailedTests + brokenFiles.length + checksFailed;
const passed = report.numPassedTests + checksPassed;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(
  `[test] vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${brokenFiles.length} files failed to run; checks (typecheck, lint, python tests): ${checksPassed} passed, ${checksFailed} failed`,
);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(report.numTotalTests === 0 ? 1 : 0);
