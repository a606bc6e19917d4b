/*
 * The portfolio the audit benchmark and its cross-check run on: Handoff's
 * state for every generated capability, and a real catalog grown in steps.
 */
import { AuthService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DatabaseHandoffStore,
  DatabaseProjectionStore,
} from '@handoff/backstage-plugin-handoff-backend/testUtils';
import { Knex } from 'knex';
import { capability, capabilityState, organisation } from './generate';
import { BenchProvider, deferred, waitForCatalog } from './harness';

/**
 * Handoff's tables on `knex`, with the state of each of the first
 * `entities` generated capabilities as the store writes it.
 */
export async function seedAuditDatabase(
  knex: Knex,
  entities: number,
  now: Date,
) {
  const database = mockServices.database({ knex });
  await DatabaseHandoffStore.create({ database });
  const states = [];
  for (let i = 0; i < entities; i++) {
    const state = capabilityState(i, now.getTime());
    if (state) states.push(state);
  }
  await knex.batchInsert('handoff_capability_state', states, 500);
  return DatabaseProjectionStore.create({ database });
}

/**
 * Hands the catalog generated components `from` to `to` (and the
 * organisation with the first step), and waits until it has processed
 * them; resolves to how long that took in milliseconds.
 */
export async function growCatalog(
  catalog: {
    provider: BenchProvider;
    catalog: CatalogService;
    auth: AuthService;
  },
  from: number,
  to: number,
) {
  const added = [];
  for (let i = from; i < to; i++) added.push(deferred(capability(i)));
  if (from === 0) {
    added.push(...organisation().map(deferred));
    await catalog.provider.connection!.applyMutation({
      type: 'full',
      entities: added,
    });
  } else {
    await catalog.provider.connection!.applyMutation({
      type: 'delta',
      added,
      removed: [],
    });
  }
  return waitForCatalog(catalog.catalog, catalog.auth, to);
}
