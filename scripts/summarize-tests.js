// Prints the plain "N passed, N failed" line from the runners' own reports:
// Jest's and Playwright's JSON results count tests; tsc, lint, the app build,
// packing and the adoption app's set-up count as one check each, passed when
// they exit with 0.
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const read = file => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch {
    return undefined;
  }
};
const exitOf = name => {
  try {
    return Number(fs.readFileSync(path.join(dir, `${name}.exit`), 'utf8'));
  } catch {
    return undefined;
  }
};

let passed = 0;
let failed = 0;
const lines = [];

for (const check of [
  'tsc',
  'api-reports',
  'lint',
  'build-app',
  'pack',
  'adopt-new-1.57',
  'adopt-legacy-1.57',
  'adopt-new-1.55',
]) {
  const code = exitOf(check);
  if (code === 0) passed += 1;
  else failed += 1;
  lines.push(
    `${check}: ${code === 0 ? 'ok' : `failed (exit ${code ?? 'not run'})`}`,
  );
}

/** Counts a Jest JSON report (the unit suite, the fault suite). */
function countJest(name, file) {
  const jest = read(file);
  if (jest) {
    passed += jest.numPassedTests;
    failed += jest.numFailedTests;
    // A suite that fails to run (syntax error, crash) has no failed tests: count it.
    const broken = jest.testResults.filter(
      r =>
        r.status === 'failed' &&
        r.assertionResults.every(a => a.status !== 'failed'),
    ).length;
    failed += broken;
    lines.push(
      `${name}: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed, ${broken} suites broken, ${jest.numPendingTests} skipped`,
    );
  } else {
    failed += 1;
    lines.push(`${name}: no report`);
  }
  if (exitOf(name) !== 0 && jest && jest.numFailedTests === 0) {
    failed += 1;
    lines.push(`${name}: the runner exited with ${exitOf(name)}`);
  }
}
countJest('unit', 'jest.json');
countJest('audit-crosscheck', 'audit-crosscheck-jest.json');
countJest('faults', 'faults-jest.json');
countJest('packs', 'packs-jest.json');

/** Counts a Playwright JSON report. */
function countPlaywright(name, file) {
  const report = read(file);
  if (report) {
    passed += report.stats.expected + report.stats.flaky;
    failed += report.stats.unexpected;
    lines.push(
      `${name}: ${report.stats.expected} passed, ${report.stats.flaky} flaky, ${report.stats.unexpected} failed, ${report.stats.skipped} skipped`,
    );
    if (report.errors?.length) {
      failed += report.errors.length;
      lines.push(`${name}: ${report.errors.length} errors outside tests`);
    }
  } else {
    failed += 1;
    lines.push(`${name}: no report`);
  }
}
countPlaywright('e2e', 'e2e.json');
for (const leg of ['new-1.57', 'legacy-1.57', 'new-1.55']) {
  countPlaywright(`adoption-${leg}`, `adoption-${leg}-e2e.json`);
}
countPlaywright('production', 'production-e2e.json');

console.log(lines.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
