import { defineConfig } from '@playwright/test';
import { debianChromium } from './test/chromium';

/**
 * End-to-end tests in Debian's chromium (never a downloaded browser), against the
 * backend serving the built app (run `yarn workspace app build` first; scripts/test.sh does),
 * with Debian's Prometheus scraping its metrics.
 */
export default defineConfig({
  testDir: 'test/e2e',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  outputDir: 'test-results/e2e-artifacts',
  webServer: [
    {
      command:
        'yarn workspace backend start --config ../../app-config.yaml --config ../../app-config.e2e.yaml',
      url: 'http://localhost:7017/api/handoff/health',
      // Its metrics for Prometheus, on a port of their own.
      env: { HANDOFF_METRICS_PORT: '9467' },
      timeout: 180_000,
      reuseExistingServer: !process.env.CI,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // Debian's Prometheus (scripts/test.sh installs it), scraping the backend.
      command:
        'rm -rf test-results/prometheus && prometheus --config.file=test/e2e/prometheus.yml --storage.tsdb.path=test-results/prometheus --web.listen-address=127.0.0.1:9097',
      url: 'http://127.0.0.1:9097/-/ready',
      timeout: 60_000,
      reuseExistingServer: !process.env.CI,
      stdout: 'ignore',
      stderr: 'ignore',
    },
  ],
  use: {
    baseURL: 'http://localhost:7017',
    screenshot: 'only-on-failure',
    launchOptions: debianChromium,
  },
});
