import { defineConfig } from '@playwright/test';
import { debianChromium } from '../chromium';
import path from 'path';

/**
 * The production bundle scripts/production.sh unpacked, as two replicas on
 * one PostgreSQL database: A on 7051, then B on 7052 once A has migrated
 * the database (two first starts at once race in Backstage's own migrations).
 */
const deploy = path.resolve(__dirname, '../../test-results/production/app');
const start = (port: number) =>
  `REPLICA_PORT=${port} node packages/backend --config app-config.yaml --config app-config.production.yaml --config app-config.replica.yaml`;

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['json', { outputFile: '../../test-results/production-e2e.json' }],
  ],
  outputDir: '../../test-results/production-artifacts',
  webServer: [
    {
      command: start(7051),
      cwd: deploy,
      url: 'http://localhost:7051/api/handoff/health',
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `until curl -sf http://localhost:7051/api/handoff/health >/dev/null; do sleep 1; done; ${start(
        7052,
      )}`,
      cwd: deploy,
      url: 'http://localhost:7052/api/handoff/health',
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
  use: {
    baseURL: 'http://localhost:7051',
    screenshot: 'only-on-failure',
    launchOptions: debianChromium,
  },
});
