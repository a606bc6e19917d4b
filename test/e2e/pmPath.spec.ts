import { expect, test } from '@playwright/test';
import fs from 'fs';
import path from 'path';
import {
  chooseOperatingOwnerAndReview,
  fillFirstStep,
} from './newCapabilityForm';
import { signInAsGuest } from './signIn';
import { expectPlainWords } from './plainWords';

/** Where the e2e portal publishes new capabilities (app-config.e2e.yaml). */
const published = path.resolve(
  __dirname,
  '../../test-results/e2e-artifacts/capabilities',
);

test('a PM cannot damage a live capability by creating one with its name', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signInAsGuest(page);
  const session = await page.request.get('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const headers = {
    Authorization: `Bearer ${(await session.json()).backstageIdentity.token}`,
  };
  const readiness = async () =>
    (
      await page.request.get(
        '/api/handoff/readiness/component/default/churn-model',
        { headers },
      )
    ).json();
  // Read once the backend has settled its first review after start.
  await expect
    .poll(async () => (await readiness()).nextReviewAt, { timeout: 60_000 })
    .toBeDefined();
  const before = await readiness();

  await fillFirstStep(page, {
    name: 'churn-model',
    title: 'Churn model v2',
    description: 'Predicts cancellations again',
    problem: 'Retention calls the wrong subscribers',
  });
  await page.getByRole('button', { name: 'Next' }).click();
  // The form itself says so, in plain words, and stays on its first step
  // (the template's first step would refuse it again, before writing).
  await expect(
    page
      .getByText(
        'There is already a capability called “churn-model” in the catalog (Churn model); choose another name.',
      )
      .first(),
  ).toBeVisible({ timeout: 30_000 });
  await expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Review' })).toHaveCount(0);

  // Nothing was written or changed.
  expect(fs.existsSync(path.join(published, 'churn-model'))).toBe(false);
  const after = await readiness();
  expect(after.stage).toBe(before.stage);
  expect(after.sequence).toBe(before.sequence);
  expect(after.nextReviewAt).toBe(before.nextReviewAt);
  await page.screenshot({
    path: 'test-results/screenshots/template-name-taken.png',
    fullPage: true,
  });

  // Past the form, through the scaffolder's API: the run's first step
  // refuses the name, and its page says so in words, with the owner by
  // name, no error class, no stack frame, no server path.
  const run = await page.request.post('/api/scaffolder/v2/tasks', {
    headers,
    data: {
      templateRef: 'template:default/new-capability',
      values: {
        name: 'churn-model',
        title: 'Churn model v2',
        description: 'Predicts cancellations again',
        type: 'model',
        owner: { ref: 'group:default/data-science', title: 'Data science' },
        problem: 'Retention calls the wrong subscribers',
        dataRisk: 'low',
        customerImpact: 'low',
        complianceRisk: 'low',
        operationalDependency: 'low',
        usesModel: false,
        operatingOwner: { ref: 'group:default/sre', title: 'SRE' },
        successMetrics: [
          { Metric: 'TODO', Target: 'TODO', Measurement: 'TODO' },
        ],
      },
    },
  });
  expect(run.status()).toBe(201);
  await page.goto(`/create/tasks/${(await run.json()).id}`);
  await expect(
    page
      .getByText(
        'There is already a capability called “churn-model” in the catalog (Churn model, owned by Data science). Choose another name; nothing was created or changed.',
      )
      .first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText(/Skipping step register/)).toBeVisible();
  // What the page shows (Backstage's error details stay folded).
  expect(await page.locator('body').innerText()).not.toMatch(
    /InputError|node_modules|\.ts:\d+/,
  );
  await expectPlainWords(page, 'the failed run page', {
    backstageRunLog: true,
  });
  expect(fs.existsSync(path.join(published, 'churn-model'))).toBe(false);
  expect((await readiness()).sequence).toBe(before.sequence);
});

test('the form refuses a name the catalog would refuse before a run starts', async ({
  page,
}) => {
  await signInAsGuest(page);
  await fillFirstStep(page, {
    name: 'credit-limit-',
    title: 'Credit limit',
    description: 'Sets credit limits',
    problem: 'Credit limits are set by hand',
  });
  await page.getByRole('button', { name: 'Next' }).click();
  // Everything else is filled in: only the name keeps the form on its first step.
  const name = page.getByLabel('Name');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(
    page
      .getByText(
        'The name cannot be used: start and end with a letter or digit, and use at most 63 characters.',
      )
      .first(),
  ).toBeVisible();
  // Capitals or spaces: plain words, never a pattern.
  await name.fill('Credit Limit');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page
      .getByText(
        'The name cannot be used: use only lower-case letters, digits and dashes (no capitals or spaces).',
      )
      .first(),
  ).toBeVisible();
  await expect(page.getByText(/must match pattern/)).toHaveCount(0);
  await expect(page.getByLabel('The problem it solves')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Review' })).toHaveCount(0);
  expect(fs.existsSync(path.join(published, 'credit-limit-'))).toBe(false);
});

test('the form says in words that a success metric is needed, never the validator', async ({
  page,
}) => {
  await signInAsGuest(page);
  await fillFirstStep(page, {
    name: 'payout-forecast',
    title: 'Payout forecast',
    description: 'Forecasts merchant payouts',
    problem: 'Treasury guesses payouts every morning',
  });
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  // The one metric the form starts with, removed.
  await page.getByRole('button', { name: 'Remove' }).click();
  await chooseOperatingOwnerAndReview(page);
  await expect(
    page
      .getByText(
        'Add at least one success metric (Add item); write TODO in what is not agreed yet.',
      )
      .first(),
  ).toBeVisible();
  await expect(page.getByText(/must NOT have|fewer than/)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Create' })).toHaveCount(0);
});
