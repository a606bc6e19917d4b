import { expect, test } from '@playwright/test';

const leg = process.env.ADOPTION_LEG ?? 'new-1.57';

test(`${leg}: in a fresh Backstage app with the packed packages, the Handoff card and tab render on capabilities only, the template is offered and a decision is recorded`, async ({
  page,
}) => {
  await page.goto('/');
  // create-app's sign-in page: the guest provider.
  const enter = page.getByRole('button', { name: /enter/i });
  await enter.first().click();
  // Signed in (and remembered) once the sign-in page has gone.
  await expect(enter).toHaveCount(0);

  await page.goto('/catalog/default/component/payments-ledger');
  // The card on the overview of an entity with a handoff.dev/* annotation.
  await expect(page.getByText('Handoff').first()).toBeVisible();
  await expect(page.getByText('Proposed').first()).toBeVisible();
  // ... and its tab (the same selector finds none on the website below).
  await expect(
    page.locator('a[href$="/component/payments-ledger/handoff"]').first(),
  ).toBeVisible();

  // create-app's example website carries no handoff annotation: no card, no tab.
  await page.goto('/catalog/default/component/example-website');
  await expect(page.getByText('example-website').first()).toBeVisible();
  // The overview's cards have loaded (the About card), so an absent card is absent.
  await expect(page.getByText('About').first()).toBeVisible();
  await expect(
    page.locator('a[href$="/component/example-website/handoff"]'),
  ).toHaveCount(0);
  await expect(page.getByText('Start the pilot')).toHaveCount(0);

  // The template from the scaffolder module's package, registered as the README says.
  await page.goto('/create');
  await expect(page.getByText('New capability').first()).toBeVisible();

  await page.goto('/catalog/default/component/payments-ledger/handoff');
  await expect(page.getByText('The spec is valid')).toBeVisible();
  await expect(page.getByTestId('handoff-stage')).toHaveText('Proposed');

  await page.getByRole('button', { name: 'Record a decision' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: /Decision/ }).click();
  await page.getByRole('option', { name: 'Start the pilot' }).click();
  await expect(dialog.getByText('The gate is met.')).toBeVisible();
  await dialog
    .getByLabel('Rationale')
    .fill('Finance agreed to run the pilot for a month');
  await dialog.getByRole('button', { name: 'Record decision' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('handoff-stage')).toHaveText('Pilot');
  await expect(
    page.getByRole('list', { name: 'Decision timeline' }),
  ).toContainText('Finance agreed to run the pilot for a month');
  await page.screenshot({
    path: `../../test-results/screenshots/adoption-${leg}-decision.png`,
    fullPage: true,
  });
});
