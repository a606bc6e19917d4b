import { expect, test } from '@playwright/test';

test('in a fresh Backstage app with the packed packages, the Handoff card and tab render and a decision is recorded', async ({
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
    path: '../../test-results/screenshots/adoption-decision.png',
    fullPage: true,
  });
});
