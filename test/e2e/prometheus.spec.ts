import { APIRequestContext, expect, test } from '@playwright/test';

// Debian's Prometheus (started by playwright.config.ts) scrapes the example
// backend's metrics; what it stores is what the audit counts.
const prometheus = 'http://127.0.0.1:9097';

/** One PromQL query through Prometheus's HTTP API: value by label. */
async function query(
  request: APIRequestContext,
  promql: string,
  label: string,
) {
  const response = await request.get(`${prometheus}/api/v1/query`, {
    params: { query: promql },
  });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.status).toBe('success');
  return Object.fromEntries(
    (
      body.data.result as Array<{
        metric: Record<string, string>;
        value: [number, string];
      }>
    ).map(r => [r.metric[label], Number(r.value[1])]),
  );
}

test("Prometheus scrapes the example backend, and its stage and gap counts are the audit's", async ({
  request,
}) => {
  const session = await request.get('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const headers = {
    Authorization: `Bearer ${(await session.json()).backstageIdentity.token}`,
  };
  const audit = async () => {
    const facets = await request.get('/api/handoff/portfolio/facets', {
      headers,
    });
    expect(facets.status()).toBe(200);
    return facets.json() as Promise<{
      stage: Record<string, number>;
      gap: Record<string, number>;
    }>;
  };
  /** The counts above zero, as sorted text to compare. */
  const nonZero = (counts: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(counts)
        .filter(([, n]) => n > 0)
        .sort(([a], [b]) => a.localeCompare(b)),
    );

  // The audit fills once its first sync has read the catalog (the example
  // portal has capabilities in several stages); the backend reads the audit's
  // figures at most every 30 seconds and Prometheus scrapes every 2: within
  // two minutes both say the same.
  await expect
    .poll(async () => Object.keys(nonZero((await audit()).stage)).length, {
      timeout: 120_000,
      intervals: [2_000],
    })
    .toBeGreaterThan(2);
  await expect
    .poll(
      async () => {
        const [figures, stages, gaps] = await Promise.all([
          audit(),
          query(request, 'max by (stage) (handoff_capabilities)', 'stage'),
          query(request, 'max by (gap) (handoff_gaps)', 'gap'),
        ]);
        const prometheus = JSON.stringify([nonZero(stages), nonZero(gaps)]);
        const audited = JSON.stringify([
          nonZero(figures.stage),
          nonZero(figures.gap),
        ]);
        return prometheus === audited
          ? 'the same'
          : `Prometheus ${prometheus}, the audit ${audited}`;
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBe('the same');

  const figures = await audit();
  const stages = await query(
    request,
    'max by (stage) (handoff_capabilities)',
    'stage',
  );
  for (const [stage, n] of Object.entries(nonZero(figures.stage))) {
    expect(stages[stage], stage).toBe(n);
  }
  // Prometheus itself says the backend answered its last scrape.
  const up = await query(request, 'up{job="handoff-example"}', 'job');
  expect(up['handoff-example']).toBe(1);
});
