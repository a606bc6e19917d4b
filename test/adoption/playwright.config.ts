import { defineConfig } from '@playwright/test';
import { debianChromium } from '../chromium';
import path from 'path';

/**
 * The fresh Backstage app `adopt.js` made for one leg (ADOPTION_LEG, e.g.
 * new-1.57), started as its README says, in Debian's chromium. Run
 * `node test/adoption/adopt.js <leg>` first.
 */
const leg = process.env.ADOPTION_LEG ?? 'new-1.57';
const app = path.resolve(__dirname, `../../test-results/adoption-${leg}/app`);

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['json', { outputFile: `../../test-results/adoption-${leg}-e2e.json` }],
  ],
  outputDir: `../../test-results/adoption-${leg}-artifacts`,
  webServer: {
    command:
      'yarn workspace backend start --config ../../app-config.yaml --config ../../app-config.adoption.yaml',
    cwd: app,
    url: 'http://localhost:7027/.backstage/health/v1/readiness',
    timeout: 240_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
    stderr: 'pipe',
  },
  use: {
    baseURL: 'http://localhost:7027',
    screenshot: 'only-on-failure',
    launchOptions: debianChromium,
  },
});
