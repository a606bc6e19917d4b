import { expect, test } from '@playwright/test';
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  chooseOperatingOwnerAndReview,
  expectOwnersByName,
  fillFirstStep,
} from './newCapabilityForm';
import { signInAsGuest } from './signIn';
import { expectPlainWords } from './plainWords';

test('a newcomer signs in, finds a capability and sees its handoff card', async ({
  page,
}) => {
  await signInAsGuest(page);

  // The catalog is the landing page and lists the example capabilities.
  const churn = page.getByRole('link', { name: 'Churn model' });
  await expect(churn).toBeVisible();
  await churn.click();

  const stage = page.getByTestId('handoff-stage');
  await expect(stage).toHaveText('Pilot');
  await stage.scrollIntoViewIfNeeded();
  await expect(page.getByText('./handoff.yaml')).toBeVisible();
  await page.screenshot({
    path: 'test-results/screenshots/entity-handoff-card.png',
    fullPage: true,
  });
});

test('the handoff page lists every capability and its stage', async ({
  page,
}) => {
  await signInAsGuest(page);

  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Handoff', exact: true })
    .click();
  await expect(page).toHaveURL(/\/handoff$/);
  await expect(
    page.getByRole('heading', { name: 'Handoff', exact: true }),
  ).toBeVisible();

  const rows = page.locator('table tbody tr');
  await expect(page.getByRole('link', { name: 'Fraud scoring' })).toBeVisible();
  // The eight example capabilities and the ten past ones (examples/history/past).
  await expect(rows).toHaveCount(18);
  const recommendation = rows.filter({ hasText: 'Recommendation API' });
  await expect(recommendation).toContainText('Proposed');
  await expect(recommendation).toContainText('growth-team');
  await expect(rows.filter({ hasText: 'Legacy reporting' })).toContainText(
    'Stopped',
  );
  await page.screenshot({
    path: 'test-results/screenshots/handoff-page.png',
    fullPage: true,
  });
});

test("an engineer reads a capability's spec on its Handoff tab", async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/churn-model/handoff');

  await expect(page.getByText('The spec is valid')).toBeVisible();
  await expect(
    page.getByText(/Retention calls go to subscribers at random/),
  ).toBeVisible();
  const fields = page.getByRole('table', {
    name: 'Fields of subscriber-activity',
  });
  await expect(
    fields.getByRole('row', { name: /tenure_months/ }),
  ).toContainText('psi ≤ 0.2');
  await expect(
    page.getByRole('table', { name: 'Spec versions' }).getByRole('row'),
  ).toHaveCount(2);
  await page.screenshot({
    path: 'test-results/screenshots/entity-handoff-tab.png',
    fullPage: true,
  });
});

test('an invalid spec is shown with each error at its artifact', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/system/customer-360/handoff');

  await expect(page.getByText('Invalid: 5 errors')).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Risk profile' }),
  ).toContainText(
    'risk.compliance: must be one of low, medium, high (line 10, column 15)',
  );
  await expect(page.getByRole('region', { name: 'Owners' })).toContainText(
    'owners.operatingOwner',
  );
});

test('an owner records a decision, and sees why a gate that is not met blocks another', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/churn-model/handoff');
  await expect(page.getByTestId('handoff-stage')).toHaveText('Pilot');

  // The readiness review's gate is met: record it.
  await page.getByRole('button', { name: 'Record a decision' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: /Decision/ }).click();
  await page
    .getByRole('option', { name: 'Start the readiness review' })
    .click();
  await expect(dialog.getByText('The gate is met.')).toBeVisible();
  await dialog
    .getByLabel('Rationale')
    .fill('The pilot beat its precision target for six weeks');
  await dialog.getByRole('button', { name: 'Record decision' }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByTestId('handoff-stage')).toHaveText(
    'Readiness review',
  );
  const timeline = page.getByRole('list', { name: 'Decision timeline' });
  await expect(timeline).toContainText(
    'Start the readiness review (Pilot → Readiness review)',
  );
  await expect(timeline).toContainText(
    'The pilot beat its precision target for six weeks',
  );

  // Hand-off is not ready: the dialog says exactly what is missing before submitting.
  await page.getByRole('button', { name: 'Record a decision' }).click();
  await dialog.getByRole('button', { name: /Decision/ }).click();
  await page.getByRole('option', { name: 'Hand off (gate not met)' }).click();
  await expect(dialog.getByText('The gate is not met yet:')).toBeVisible();
  await expect(dialog.getByText('A rollback procedure')).toBeVisible();
  await expect(dialog.getByText('Deployment checklist complete')).toBeVisible();
  await expect(
    dialog
      .getByText('Not in the spec yet: Deployment checklist and rollback')
      .first(),
  ).toBeVisible();
  await dialog.getByLabel('Rationale').fill('Ship it');
  await expect(
    dialog.getByRole('button', { name: 'Record decision' }),
  ).toBeDisabled();
  await page.screenshot({
    path: 'test-results/screenshots/decision-dialog.png',
  });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('handoff-stage')).toHaveText(
    'Readiness review',
  );
});

test('the handoff packet downloads as one Markdown document', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/fraud-scoring/handoff');
  await page.getByRole('button', { name: 'Download handoff packet' }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Markdown document' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('handoff-fraud-scoring.md');
  const text = await new Promise<string>((resolve, reject) => {
    download.createReadStream().then(stream => {
      const chunks: Buffer[] = [];
      stream.on('data', c => chunks.push(c as Buffer));
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      stream.on('error', reject);
    }, reject);
  });
  expect(text).toContain('# Handoff packet: Fraud scoring');
  expect(text).toContain('- Stage: Operating');
  expect(text).toContain('### Data contracts');
  expect(text).toContain('| amount | number | no | 0 to 100000 | psi ≤ 0.1 |');
});

test('a PM creates a capability from the template and it is born with a valid spec', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signInAsGuest(page);
  await fillFirstStep(page, {
    name: 'loyalty-model',
    title: 'Loyalty model',
    description: 'Predicts who joins the loyalty programme',
    problem: 'Marketing mails everyone about the loyalty programme',
  });
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(
    page.getByText(/drift tolerances and quality thresholds/),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await chooseOperatingOwnerAndReview(page);
  await expectOwnersByName(page);
  await page.getByRole('button', { name: 'Create' }).click();

  const open = page.getByRole('link', {
    name: "Open the capability's Handoff tab",
  });
  await expect(open).toBeVisible({ timeout: 60_000 });
  await page.screenshot({
    path: 'test-results/screenshots/template-done.png',
    fullPage: true,
  });
  await open.click();

  // The catalog picks the new location up within seconds.
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('The spec is valid')).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 90_000 });
  await expect(page.getByTestId('handoff-stage')).toHaveText('Proposed');
  await expect(
    page.getByRole('list', { name: 'Decision timeline' }),
  ).toContainText('Created from the New capability template');
  await expectPlainWords(page, "the new capability's Handoff tab");

  // ...and the platform team sees it in the audit right away.
  await page.goto('/handoff-audit?q=loyalty');
  const row = page
    .getByTestId('handoff-audit-table')
    .locator('tbody tr')
    .filter({ hasText: 'Loyalty model' });
  await expect(row).toContainText('Proposed');
  // The owner by its display name (the ref is on hover).
  await expect(row).toContainText('Data science');
  await expect(row).toContainText('low');
  // Its spec is valid and its first review is set (180 days for low risk).
  await expect(row).toContainText('Valid');
  await expect(row).not.toContainText('Not scheduled');
  await expectPlainWords(page, 'the audit page');
});

test("the real permission policy lets owners decide and refuses everyone else's decisions", async ({
  page,
}) => {
  await signInAsGuest(page);
  // Guest belongs to data-science, which owns churn-model but not fraud-scoring.
  await page.goto('/catalog/default/component/fraud-scoring/handoff');
  await expect(
    page.getByRole('button', { name: 'Download handoff packet' }),
  ).toBeVisible();
  // Its gates are shown, but the decision button is not offered.
  await expect(page.getByText('Stop: always open')).toBeVisible();
  await expect(
    page.getByRole('button', { name: 'Record a decision' }),
  ).toHaveCount(0);

  const session = await page.request.get('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const token = (await session.json()).backstageIdentity.token;
  const decide = (name: string, data: object) =>
    page.request.post(`/api/handoff/decisions/component/default/${name}`, {
      headers: { Authorization: `Bearer ${token}` },
      data,
    });
  const denied = await decide('fraud-scoring', {
    decision: 'stop',
    rationale: 'not mine',
    expectedSequence: 0,
  });
  expect(denied.status()).toBe(403);
  const bad = await decide('churn-model', {
    decision: 'fly',
    rationale: '',
    expectedSequence: 0,
  });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toMatch(/^Invalid body: decision: /);
  const unauthenticated = await page.request.get(
    '/api/handoff/readiness/component/default/churn-model',
    {
      headers: { Authorization: '' },
    },
  );
  expect(unauthenticated.status()).toBe(401);
});

test('a platform engineer finds every capability whose owner is missing or whose review is overdue, narrows it to a department and exports it', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Handoff audit' })
    .click();
  await expect(page).toHaveURL(/\/handoff-audit$/);
  const rows = page.getByTestId('handoff-audit-table').locator('tbody tr');
  // The projection syncs from the catalog on a schedule shortly after start.
  await expect(async () => {
    await page.reload();
    await expect(
      page.getByRole('link', { name: 'Recommendation API' }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  await expect(rows.filter({ hasText: 'Churn model' })).toHaveCount(1);

  // One view: owner not in the catalog, or review overdue.
  await page.getByRole('button', { name: 'Gaps (any of)' }).click();
  await page.getByRole('option', { name: /Owner not in the catalog/ }).click();
  await page.getByRole('option', { name: /Review overdue/ }).click();
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(/gap=owner-unresolved%2Coverdue/);
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'Recommendation API' })).toContainText(
    'group:default/growth-team (not in the catalog)',
  );
  await expect(rows.filter({ hasText: 'Legacy reporting' })).toHaveCount(1);
  // Registered with a review date that has passed (handoff.dev/next-review).
  await expect(rows.filter({ hasText: 'Fraud scoring' })).toHaveCount(1);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const csv = await download;
  expect(csv.suggestedFilename()).toBe('handoff-portfolio.csv');
  const fs = await import('node:fs/promises');
  const lines = (await fs.readFile(await csv.path(), 'utf8'))
    .trim()
    .split('\n');
  expect(lines[0]).toMatch(
    /^entityRef,kind,title,capability,owner,ownerTitle,ownerResolves,stage/,
  );
  expect(lines.slice(1).map(l => l.split(',')[0])).toEqual([
    'component:default/fraud-scoring',
    'component:default/legacy-reporting',
    'component:default/recommendation-api',
  ]);

  // (After the download the gaps menu has long finished closing.)
  await page
    .getByRole('heading', { name: 'Handoff audit' })
    .scrollIntoViewIfNeeded();
  await page.screenshot({
    path: 'test-results/screenshots/audit-page.png',
    fullPage: true,
  });

  // Narrowed to one department: data-platform and its child groups.
  const owner = page.getByRole('textbox', {
    name: 'Owner group (with its child groups)',
  });
  await owner.click();
  await owner.fill('data-platform');
  await page
    .getByRole('option', { name: /Data platform group:default\/data-platform/ })
    .click();
  await expect(page).toHaveURL(/owner=group%3Adefault%2Fdata-platform/);
  // Nobody in data-platform has a missing owner or an overdue review.
  await expect(
    page.getByText('No capability matches these filters.'),
  ).toBeVisible();

  // The shared link of the whole department, without the gap filter.
  await page.goto('/handoff-audit?owner=group:default/data-platform');
  await expect(rows.filter({ hasText: 'Churn model' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Customer 360' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Demand forecast' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Fraud scoring' })).toHaveCount(0);
  await expect(owner).toHaveValue('group:default/data-platform');
  await expect(page.getByRole('listbox')).toBeHidden();
  await page.screenshot({
    path: 'test-results/screenshots/audit-department.png',
    fullPage: true,
  });

  // Typing narrows the view; no Enter needed.
  await page.goto('/handoff-audit');
  await page
    .getByRole('searchbox', { name: 'Search name or title' })
    .pressSequentially('fraud', { delay: 50 });
  await expect(page).toHaveURL(/q=fraud/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Fraud scoring');
});

test('a hostile signed-in user cannot register server files, forge a registration or use the CI token beyond checks', async ({
  page,
}) => {
  await signInAsGuest(page);
  const session = await page.request.get('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const guest = {
    Authorization: `Bearer ${(await session.json()).backstageIdentity.token}`,
  };
  const ci = { Authorization: 'Bearer local-ci-token-for-the-example-portal' };

  // A catalog file outside the example folders, pointing its spec at /etc/passwd.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-e2e-evil-'));
  fs.writeFileSync(
    path.join(dir, 'catalog-info.yaml'),
    `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: evil-capability
  annotations:
    handoff.dev/spec: ../../../../../../etc/passwd
spec: { type: service, owner: group:default/data-science, lifecycle: production }
`,
  );
  const location = await page.request.post('/api/catalog/locations', {
    headers: guest,
    data: { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
  });
  expect(location.status()).toBeLessThan(500);
  // The catalog refuses to read it: the entity never appears.
  await page.waitForTimeout(5_000);
  const evil = await page.request.get(
    '/api/handoff/readiness/component/default/evil-capability',
    { headers: guest },
  );
  expect(evil.status()).toBe(404);

  // Registrations take the actor from the credentials and never reset a capability.
  const forged = await page.request.post('/api/handoff/registrations', {
    headers: guest,
    data: {
      entityRef: 'component:default/churn-model',
      actor: 'user:default/ceo',
    },
  });
  expect(forged.status()).toBe(400);
  expect((await forged.json()).error.message).toMatch(
    /actor: is not a known field/,
  );
  const reset = await page.request.post('/api/handoff/registrations', {
    headers: guest,
    data: { entityRef: 'component:default/churn-model' },
  });
  expect(reset.status()).toBe(409);

  // The CI token posts checks, and nothing else: no write, no read.
  const check = await page.request.post(
    '/api/handoff/checks/component/default/churn-model',
    {
      headers: ci,
      data: { name: 'schema-e2e', kind: 'schema', status: 'pass' },
    },
  );
  expect(check.status()).toBe(201);
  for (const [url, data] of [
    ['/api/handoff/specs/component/default/churn-model/refresh', {}],
    [
      '/api/handoff/decisions/component/default/churn-model',
      { decision: 'stop', rationale: 'ci', expectedSequence: 0 },
    ],
    [
      '/api/handoff/registrations',
      { entityRef: 'component:default/churn-model' },
    ],
  ] as const) {
    const refused = await page.request.post(url, { headers: ci, data });
    expect([url, refused.status()]).toEqual([url, 403]);
  }
  const ciRead = await page.request.get('/api/handoff/capabilities', {
    headers: ci,
  });
  expect(ciRead.status()).toBe(403);
  // The list pages for a person.
  const firstPage = await page.request.get(
    '/api/handoff/capabilities?limit=2',
    {
      headers: guest,
    },
  );
  expect(firstPage.status()).toBe(200);
  const body = await firstPage.json();
  expect(body.items).toHaveLength(2);
  expect(body.totalItems).toBeGreaterThan(2);
  expect(body.nextCursor).toBeTruthy();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Last in this file: the capability it creates would change the counts above.
test('a PM creates a high-risk capability end to end; clearing a metric and going back does not crash the form', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const crashes: string[] = [];
  page.on('pageerror', e => crashes.push(e.message));
  await signInAsGuest(page);
  await fillFirstStep(page, {
    name: 'sanctions-screening',
    title: 'Sanctions screening',
    description: 'Screens outgoing payments against sanctions lists',
    problem: 'Compliance screens payments by hand, a day late',
  });
  await page.getByRole('button', { name: 'Next' }).click();

  const pick = async (label: string, option: string) => {
    await page.getByLabel(label).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  };
  await pick('Data risk', 'High');
  await pick('Compliance risk', 'High');
  await pick('Operational dependency', 'Medium');
  // High compliance risk asks for a regulation, in plain words, and the
  // form does not go on without one.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page
      .getByText(
        'With high compliance risk, name at least one regulation that applies',
      )
      .first(),
  ).toBeVisible();
  await expect(page.getByLabel('Operating owner candidate')).toHaveCount(0);
  await page.getByRole('button', { name: /add/i }).click();
  const regulation = page.getByRole('textbox', { name: 'Regulation' });
  await regulation.fill('EU sanctions regulations');
  await page.getByRole('button', { name: 'Next' }).click();

  // The sequence that crashed Backstage's form: clear a metric, Back, Next.
  const metric = page.getByRole('textbox', { name: 'Metric' });
  await expect(metric).toHaveValue('TODO');
  await metric.fill('');
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByLabel('Compliance risk')).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(metric).toBeVisible();
  expect(crashes).toEqual([]);
  await expect(page.getByRole('button', { name: 'Back' })).toBeEnabled();
  // An empty metric is not accepted; a written one is.
  await chooseOperatingOwnerAndReview(page);
  await expect(page.getByRole('button', { name: 'Create' })).toHaveCount(0);
  await metric.fill('Payments screened before they leave');
  await page.getByRole('textbox', { name: 'Target' }).fill('100%');
  await page.getByRole('button', { name: 'Review' }).click();

  // A readable review: titles, words, no raw keys or indexes.
  const review = page.locator('body');
  await expect(review).toContainText('Compliance risk');
  await expect(review).toContainText('High');
  await expect(review).toContainText(
    'Metric: Payments screened before they leave',
  );
  await expect(review).toContainText('EU sanctions regulations');
  await expect(review).not.toContainText('measuredBy');
  await expectOwnersByName(page);
  await page.screenshot({
    path: 'test-results/screenshots/template-review.png',
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Create' }).click();

  // The run says what happens next with a date in words.
  await expect(page.getByText(/Its first review is due on/)).toBeVisible({
    timeout: 90_000,
  });
  await expect(
    page.getByText(
      /first review is due on \d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}/,
    ),
  ).toBeVisible();
  await expect(page.getByText(/Its first review is due on/)).not.toContainText(
    /\d{4}-\d{2}-\d{2}/,
  );
  // The run's log (Backstage opens it when the run ends) names no server
  // path and shows no stack: the steps speak in sentences. The page shows
  // the log's last lines; the whole of it is read from the scaffolder.
  await expect(page.getByText(/registered it in the catalog/)).toBeVisible();
  await expectPlainWords(page, 'the run page', { backstageRunLog: true });
  const session = await page.request.get('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const taskId = new URL(page.url()).pathname.split('/').pop();
  const events = await page.request.get(
    `/api/scaffolder/v2/tasks/${taskId}/events`,
    {
      headers: {
        Authorization: `Bearer ${
          (
            await session.json()
          ).backstageIdentity.token
        }`,
      },
    },
  );
  expect(events.status()).toBe(200);
  const runLog = ((await events.json()) as any[])
    .filter(e => e.type === 'log')
    .map(e => String(e.body.message));
  expect(runLog.join('\n')).toContain(
    "Template result written to the run's folder",
  );
  expect(
    runLog.filter(line =>
      /(^|[\s'"(])\/(home|tmp|work|usr|var|root)\/|\bat \S+ \(|node_modules/.test(
        line,
      ),
    ),
  ).toEqual([]);
  await page.screenshot({
    path: 'test-results/screenshots/template-done-high-risk.png',
    fullPage: true,
  });
  await page
    .getByRole('link', { name: "Open the capability's Handoff tab" })
    .click();

  // Born carrying the artifacts its risk asks for, each a TODO still to do.
  await expect(page.getByText('The spec is valid')).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByTestId('handoff-stage')).toHaveText('Proposed');
  // The measurement was left as the form's TODO: the pilot's gate says so,
  // and the tab lists it with everything else still to write, in words.
  await expect(
    page
      .getByText('Still to write: Success criterion 1: how it is measured')
      .first(),
  ).toBeVisible();
  const toWrite = page.getByRole('region', { name: 'Still to write' });
  await expect(
    toWrite.getByText('Success criterion 1: how it is measured'),
  ).toBeVisible();
  await expect(toWrite).toContainText('needed to start the pilot');
  await expect(toWrite).toContainText('Deployment checklist and rollback');
  await expect(toWrite).not.toContainText(/\[\d+\]|TODO:/);
  await expect(page.getByText(/Checks card|\/api\/handoff/)).toHaveCount(0);
  expect(crashes).toEqual([]);
});
