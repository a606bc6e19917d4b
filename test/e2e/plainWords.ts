import { expect, Page } from '@playwright/test';

/**
 * What a person reads on a page carries no server internals: no JSON path
 * index, no server path, no stack frame, no ISO timestamp, and no raw group
 * ref where the catalog has the group's name (an owner the catalog lacks is
 * shown whole, marked "not in the catalog").
 */
export async function expectPlainWords(
  page: Page,
  where: string,
  /**
   * The scaffolder's run page: Backstage's log viewer stamps each line of
   * the run's log with an ISO time, which a plugin cannot change.
   */
  options: { backstageRunLog?: boolean } = {},
) {
  const text = await page.locator('body').innerText();
  const found = (pattern: RegExp) => text.match(pattern)?.[0];
  expect
    .soft(
      {
        jsonPath: found(/\w\[\d+\]/),
        serverPath: found(
          /(?:file:)?\/(?:home|tmp|work|usr|var|root)\/[\w./-]+/,
        ),
        stackFrame: found(/\bat \S+ \([^)]*:\d+:\d+\)/),
        isoTimestamp: options.backstageRunLog
          ? undefined
          : found(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/),
        groupRef: found(
          /group:default\/[\w-]+(?![\w-]| \(not in the catalog\))/,
        ),
      },
      where,
    )
    .toEqual({
      jsonPath: undefined,
      serverPath: undefined,
      stackFrame: undefined,
      isoTimestamp: undefined,
      groupRef: undefined,
    });
}
