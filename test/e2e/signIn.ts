import { expect, Page } from '@playwright/test';

/** Signs in on the example portal's sign-in page as one of its people ("Guest", "Ada Lovelace", ...). */
export async function signInAs(page: Page, who: string) {
  await page.goto('/');
  await page.getByRole('button', { name: `Enter as ${who}` }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Handoff', exact: true }),
  ).toBeVisible();
}

export const signInAsGuest = (page: Page) => signInAs(page, 'Guest');
