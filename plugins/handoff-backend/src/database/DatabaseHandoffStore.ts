import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { GatePolicy } from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { rebuildCapabilityStates } from './capabilityState';
import { fillFlowEvents } from './flowEvents';
import { DatabaseReminderStore } from './DatabaseReminderStore';
import { DatabaseSpecStore } from './DatabaseSpecStore';
import { DatabaseWorkflowStore } from './DatabaseWorkflowStore';
import { DatabaseWorkStore } from './DatabaseWorkStore';
import { DatabaseExceptionStore } from './DatabaseExceptionStore';
import { DatabaseCredentialStore } from './DatabaseCredentialStore';
import { HandoffStore } from './HandoffStore';

const migrationsDir = resolvePackagePath(
  '@handoff/backstage-plugin-handoff-backend',
  'migrations',
);

/** The methods of each store, bound to it, in one object. */
function combine<T extends object>(...stores: object[]): T {
  const combined: Record<string, unknown> = {};
  for (const store of stores) {
    for (const name of Object.getOwnPropertyNames(
      Object.getPrototypeOf(store),
    )) {
      const value = (store as Record<string, unknown>)[name];
      if (name !== 'constructor' && typeof value === 'function') {
        combined[name] = value.bind(store);
      }
    }
  }
  return combined as T;
}

/**
 * The Handoff backend's database: migrations run once, here, and the store of
 * each concern ({@link DatabaseWorkflowStore}, {@link DatabaseSpecStore},
 * {@link DatabaseReminderStore}) over the same connection.
 *
 * @public
 */
export class DatabaseHandoffStore {
  static async create(options: {
    database: DatabaseService;
    /** Decides which artifacts the audit counts as missing, and the review cadence. */
    policy?: GatePolicy;
  }): Promise<HandoffStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await DatabaseHandoffStore.migrate(client);
    }
    // Data recorded before the audit existed gets its audit state once.
    const state = await client('handoff_capability_state').first('entity_ref');
    if (!state) await rebuildCapabilityStates(client, options.policy);
    // Trails recorded before the flow facts were stored get them once.
    await fillFlowEvents(client);
    return combine<HandoffStore>(
      new DatabaseWorkflowStore(client, options.policy),
      new DatabaseSpecStore(client, options.policy),
      new DatabaseReminderStore(client),
      new DatabaseWorkStore(client, options.policy),
      new DatabaseExceptionStore(client, options.policy),
      new DatabaseCredentialStore(client),
    );
  }

  static async migrate(client: Knex): Promise<void> {
    await client.migrate.latest({ directory: migrationsDir });
  }
}
