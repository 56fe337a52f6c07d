// Prints one line "N passed, N failed" over a Jest JSON report, a Playwright JSON report
// and the production smoke test's Jest JSON report (the last two may be missing: a suite
// that did not run contributes nothing, and a missing main Jest report counts as one
// failure so a crashed run never looks green; a crashed smoke run fails its own step).
// Exit code 1 when any test failed.
const fs = require('node:fs');

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function countJest(report) {
  if (!report) return { passed: 0, failed: 1, note: 'no Jest report' };
  // Suites that fail to load have no test results but still count as failures.
  const brokenSuites = report.testResults.filter(
    r => r.status === 'failed' && r.assertionResults.length === 0,
  ).length;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenSuites,
  };
}

function countPlaywright(report) {
  if (!report) return { passed: 0, failed: 0 };
  const { expected = 0, unexpected = 0, flaky = 0 } = report.stats ?? {};
  // A flaky test passed on retry: it counts as passed, and the list shows it.
  return { passed: expected + flaky, failed: unexpected };
}

const [jestFile, playwrightFile, smokeFile] = process.argv.slice(2);
const jest = countJest(readJson(jestFile));
const e2e = countPlaywright(playwrightFile && readJson(playwrightFile));
const smokeReport = smokeFile && readJson(smokeFile);
const smoke = smokeReport ? countJest(smokeReport) : { passed: 0, failed: 0 };
const passed = jest.passed + e2e.passed + smoke.passed;
const failed = jest.failed + e2e.failed + smoke.failed;
if (jest.note) console.log(`(${jest.note})`);
console.log(
  `jest: ${jest.passed} passed, ${jest.failed} failed; smoke: ${smoke.passed} passed, ${smoke.failed} failed; e2e: ${e2e.passed} passed, ${e2e.failed} failed`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
