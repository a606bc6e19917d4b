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

test("search: the Capabilities count follows Handoff's filters, and choosing another type clears them", async ({
  page,
}) => {
  await signInAsGuest(page);
  const capabilities = page
    .getByRole('navigation', { name: 'filter by type' })
    .getByRole('button', { name: /^Capabilities/ });
  const countOf = async () =>
    Number((await capabilities.innerText()).match(/(\d+) results?/)![1]);
  // The index is built on a schedule shortly after start.
  await expect(async () => {
    await page.goto('/search?query=&types%5B%5D=handoff');
    await expect(capabilities).toHaveText(/\d+ results?/, { timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  const results = page.locator('a[href^="/catalog/"][href$="/handoff"]');
  const everything = await countOf();
  expect(everything).toBeGreaterThan(1);
  await expect(results).toHaveCount(Math.min(everything, 25));

  // High risk only: the count on the type is the number of results shown.
  await page.getByRole('checkbox', { name: 'High' }).check();
  await expect(async () => {
    const high = await countOf();
    expect(high).toBeLessThan(everything);
    expect(high).toBeGreaterThan(0);
    await expect(results).toHaveCount(high, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  // Another type: Handoff's filters go, so no count hides what a click shows.
  await page
    .getByRole('navigation', { name: 'filter by type' })
    .getByRole('button', { name: /^All/ })
    .click();
  await expect(page.getByText('Capability risk tier')).toHaveCount(0);
  await expect(page).not.toHaveURL(/riskTier/);
  await expect(capabilities).toHaveText(new RegExp(`${everything} results?`));
});

test('at 1,440 pixels the audit shows every gap in full and a check result on one line', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsGuest(page);
  await page.goto('/handoff-audit');
  const chips = page.getByTestId('gap-chip');
  await expect(async () => {
    await page.reload();
    await expect(chips.first()).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  // No chip cuts its words off: what it holds fits in it.
  const clipped = await chips.evaluateAll(all =>
    all
      .filter(chip =>
        [chip, ...chip.querySelectorAll('*')].some(
          part => part.scrollWidth > part.clientWidth + 1,
        ),
      )
      .map(chip => chip.textContent),
  );
  expect(clipped).toEqual([]);
  // Entity names take at most two lines.
  const lines = await page
    .getByTestId('handoff-audit-table')
    .locator('tbody tr td:first-child a')
    .evaluateAll(links =>
      links.map(a => {
        const style = getComputedStyle(a);
        const lineHeight = parseFloat(style.lineHeight) || 20;
        return Math.round(a.getBoundingClientRect().height / lineHeight);
      }),
    );
  expect(Math.max(...lines)).toBeLessThanOrEqual(2);

  // A check's result reads "pass", never "pa ss" (posted as CI posts it).
  const posted = await page.request.post(
    '/api/handoff/checks/component/default/legacy-reporting',
    {
      headers: {
        Authorization: 'Bearer local-ci-token-for-the-example-portal',
      },
      data: {
        name: 'nightly-export',
        kind: 'quality',
        status: 'pass',
        details: 'Row counts match the ledger',
      },
    },
  );
  expect(posted.status()).toBe(201);
  await page.goto('/catalog/default/component/legacy-reporting/handoff');
  const results = page.getByRole('table', { name: 'Check results' });
  await expect(results).toBeVisible({ timeout: 30_000 });
  const heights = await results
    .locator('tbody tr td:nth-child(2)')
    .evaluateAll(cells =>
      cells.map(
        cell => (cell.firstElementChild ?? cell).getBoundingClientRect().height,
      ),
    );
  expect(heights.length).toBeGreaterThan(0);
  expect(Math.max(...heights)).toBeLessThan(30);
});
