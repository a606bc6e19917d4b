import { expect, Page } from '@playwright/test';

/** The New capability form's first step, as a PM fills it in. */
export async function fillFirstStep(
  page: Page,
  answers: {
    name: string;
    title: string;
    description: string;
    problem: string;
  },
) {
  await page.goto('/create/templates/default/new-capability');
  await page.getByLabel('Name').fill(answers.name);
  await page.getByLabel('Title').fill(answers.title);
  await page.getByLabel('One-line description').fill(answers.description);
  const owner = page.getByRole('textbox', { name: 'Owning group' });
  await owner.click();
  // The picker shows groups by their display name.
  await owner.fill('Data science');
  await page
    .getByRole('option', { name: /Data science/ })
    .first()
    .click();
  await page.getByLabel('The problem it solves').fill(answers.problem);
}

/** The last step: SRE as the operating owner candidate, then the review page. */
export async function chooseOperatingOwnerAndReview(page: Page) {
  const operating = page.getByRole('textbox', {
    name: 'Operating owner candidate',
  });
  await operating.click();
  await operating.fill('Site reliability');
  await page
    .getByRole('option', { name: /Site reliability/ })
    .first()
    .click();
  // Picked, the owner reads as its name; the ref is on hover.
  await expect(operating).toHaveValue('Site reliability');
  await expect(operating).toHaveAttribute('title', 'group:default/sre');
  await page.getByRole('button', { name: 'Review' }).click();
}

/** The review page names both owners as people do, never by ref. */
export async function expectOwnersByName(page: Page) {
  const review = page.getByRole('table').filter({ hasText: 'Owning group' });
  await expect(review).toContainText('Owning group');
  await expect(review).toContainText('Data science');
  await expect(review).toContainText('Operating owner candidate');
  await expect(review).toContainText('Site reliability');
  await expect(review).not.toContainText('group:default/');
}
