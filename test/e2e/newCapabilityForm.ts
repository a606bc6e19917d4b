import { Page } from '@playwright/test';

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
  await page.getByRole('button', { name: 'Review' }).click();
}
