import { expect, test } from '@playwright/test';
import { signInAsGuest } from './signIn';

/*
 * The platform team's view: what is a capability and what is only a catalog
 * entity, owners by name, a sync on request, and capabilities in portal
 * search. The guest belongs to the platform group, the example's auditors.
 */

test('a platform engineer audits capabilities or every catalog entity, sees owners by name and syncs with the catalog on request', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/handoff-audit');
  const rows = page.getByTestId('handoff-audit-table').locator('tbody tr');
  // Owners by their display name (once the audit has synced the groups),
  // the ref on hover.
  const churn = rows.filter({ hasText: 'Churn model' });
  await expect(async () => {
    await page.reload();
    await expect(churn.getByRole('link', { name: 'Data science' })).toBeVisible(
      { timeout: 5_000 },
    );
  }).toPass({ timeout: 90_000 });
  // Capabilities by default: the Orders API has no handoff spec.
  await expect(rows.filter({ hasText: 'Orders API' })).toHaveCount(0);
  await expect(
    churn.locator('[title="group:default/data-science"]'),
  ).toHaveCount(1);

  // Every catalog entity: the API's ownership is audited, it has no stage.
  await page.getByRole('button', { name: 'All catalog entities' }).click();
  await expect(page).toHaveURL(/scope=all/);
  await expect(
    page.getByRole('button', { name: /^Catalog entities: \d+$/ }),
  ).toBeVisible();
  const api = rows.filter({ hasText: 'Orders API' });
  await expect(api).toHaveCount(1);
  await expect(api).toContainText('Not a capability');
  await expect(api).toContainText(
    'group:default/web-team (not in the catalog)',
  );

  // A sync on request, with its progress, one at a time.
  await page.getByRole('button', { name: 'Sync with the catalog now' }).click();
  await expect(page.getByRole('status')).toHaveText(
    /Last synced with the catalog .*: \d+ entities/,
    { timeout: 60_000 },
  );
  await expect(
    page.getByRole('button', { name: 'Sync with the catalog now' }),
  ).toBeEnabled();
});

test('portal search finds a capability with its stage, owner and risk', async ({
  page,
}) => {
  await signInAsGuest(page);
  // The index is built on a schedule shortly after start.
  const result = page.locator(
    'a[href$="/catalog/default/component/fraud-scoring/handoff"]',
  );
  await expect(async () => {
    await page.goto('/search?query=fraud');
    await expect(result).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  // (The search page wraps each result in a list item of its own.)
  const item = page.locator('li', { has: result }).last();
  await expect(item).toContainText('Risk and compliance');
  await expect(item).toContainText('High risk');
  await expect(item).toContainText(
    /Proposed|Pilot|Readiness review|Hardening|Handed off|Operating|Reframed|Stopped/,
  );
});
