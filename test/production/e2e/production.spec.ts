import { expect, test } from '@playwright/test';

const A = 'http://localhost:7051';
const B = 'http://localhost:7052';

test('the production bundle on two replicas: sign in, the card renders, a decision recorded on one is read on the other, errors carry no stack', async ({
  page,
}) => {
  // Sign in on replica A and see the Handoff card on a capability's overview.
  await page.goto(`${A}/`);
  await page.getByRole('button', { name: 'Enter as Guest' }).click();
  await expect(
    page.getByRole('button', { name: 'Enter as Guest' }),
  ).toHaveCount(0);
  // The catalog of a fresh database takes in the example data within seconds.
  await expect(async () => {
    await page.goto(`${A}/catalog/default/component/churn-model`);
    await expect(page.getByText('Handoff').first()).toBeVisible({
      timeout: 5_000,
    });
    await expect(page.getByText('Pilot').first()).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 90_000 });

  const session = await page.request.get(`${A}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const headers = {
    Authorization: `Bearer ${(await session.json()).backstageIdentity.token}`,
  };
  await expect
    .poll(
      async () =>
        (
          await page.request.get(
            `${B}/api/handoff/readiness/component/default/churn-model`,
            { headers },
          )
        ).status(),
      { timeout: 60_000 },
    )
    .toBe(200);
  const readiness = async (replica: string) => {
    const res = await page.request.get(
      `${replica}/api/handoff/readiness/component/default/churn-model`,
      { headers },
    );
    expect(res.status()).toBe(200);
    return res.json();
  };

  // The owner reads its spec now rather than waiting for the scheduled pass.
  await expect
    .poll(
      async () =>
        (
          await page.request.post(
            `${A}/api/handoff/specs/component/default/churn-model/refresh`,
            { headers },
          )
        ).status(),
      { timeout: 60_000 },
    )
    .toBe(200);

  // Both replicas read the same state; a decision recorded on A is read on B.
  const before = await readiness(B);
  expect(before.stage).toBe('pilot');
  const recorded = await page.request.post(
    `${A}/api/handoff/decisions/component/default/churn-model`,
    {
      headers,
      data: {
        decision: 'start-review',
        rationale: 'Recorded on replica A of the production bundle',
        expectedSequence: before.sequence,
      },
    },
  );
  expect(`${recorded.status()} ${await recorded.text()}`).toMatch(/^201 /);
  const after = await readiness(B);
  expect(after.stage).toBe('readiness-review');
  expect(after.sequence).toBe(before.sequence + 1);

  // The same decision again on B is stale: 409, nothing written.
  const stale = await page.request.post(
    `${B}/api/handoff/decisions/component/default/churn-model`,
    {
      headers,
      data: {
        decision: 'start-review',
        rationale: 'A second time, on replica B',
        expectedSequence: before.sequence,
      },
    },
  );
  expect(stale.status()).toBe(409);
  expect((await readiness(A)).sequence).toBe(after.sequence);

  // Errors in production mode carry no stack trace.
  const bad = await page.request.post(
    `${B}/api/handoff/decisions/component/default/churn-model`,
    { headers, data: { decision: 'fly' } },
  );
  expect(bad.status()).toBe(400);
  const missing = await page.request.get(
    `${B}/api/handoff/readiness/component/default/no-such-thing`,
    { headers },
  );
  expect(missing.status()).toBe(404);
  for (const res of [bad, missing, stale]) {
    const body = await res.json();
    expect(body.error.message).toBeTruthy();
    expect(body.error.stack).toBeUndefined();
    expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
  }

  // The page on replica B shows the new stage.
  await page.goto(`${B}/`);
  await page.getByRole('button', { name: 'Enter as Guest' }).click();
  await expect(
    page.getByRole('button', { name: 'Enter as Guest' }),
  ).toHaveCount(0);
  await page.goto(`${B}/catalog/default/component/churn-model/handoff`);
  await expect(page.getByTestId('handoff-stage')).toHaveText(
    'Readiness review',
  );
});
