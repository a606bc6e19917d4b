/*
 * The Handoff example portal's backend (new backend system).
 */
import { createBackend } from '@backstage/backend-defaults';
import { catalogModuleHandoffOperatingOwner } from '@handoff/backstage-plugin-catalog-backend-module-handoff';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth: the guest provider for local use (https://backstage.io/docs/auth/guest/provider)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// Development only: sign in as any person of the example organisation
// (auth.providers.example-users), to try separation of duties with two people.
backend.add(import('./exampleUsers'));
// Development only: months of past decisions for the example's past
// capabilities (handoff.example.pastHistory), so Flow has a history to show.
backend.add(import('./exampleHistory'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// file: locations, for capabilities the template publishes locally (no git host)
backend.add(import('./catalogFileLocations'));

// scaffolder
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// permission: ./permissionPolicy lets owners make handoff writes on their entities
// and allows everything else; replace it with your company's policy.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

// search: in-memory (Lunr) engine with the catalog collator
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
// Handoff capabilities in portal search: stage, owners, risk, next review.
backend.add(import('@handoff/backstage-plugin-search-backend-module-handoff'));

// user settings, notifications and signals
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// handoff, and its scaffolder actions for the "New capability" template
backend.add(import('@handoff/backstage-plugin-handoff-backend'));
backend.add(
  import('@handoff/backstage-plugin-scaffolder-backend-module-handoff'),
);
// Work items filed as GitHub issues once handoff.github is configured (see
// the README); without it the module files nothing and work stays in Handoff.
backend.add(import('@handoff/backstage-plugin-handoff-backend-module-github'));
// The same for Jira (handoff.jira). One tracker per backend: configure one.
backend.add(import('@handoff/backstage-plugin-handoff-backend-module-jira'));
// The team a capability was handed off to may act on it once they accepted
// (the example permission policy's handoffConditions.isOperatingOwner).
backend.add(catalogModuleHandoffOperatingOwner);
// Optional: also show invalid handoff specs among the catalog's own processing
// errors. Backstage holds an entity at its last error-free state while such an
// error stands (and a new one out of the catalog until it is fixed), which is why
// this is off in the example:
// backend.add(import('@handoff/backstage-plugin-catalog-backend-module-handoff'));

// A plugin that cannot start (an invalid gate policy, a database that never
// answers) stops the process, so an orchestrator sees the failure instead of
// a backend that answers its liveness probe without Handoff.
backend.start().catch(error => {
  // eslint-disable-next-line no-console
  console.error(`The backend did not start: ${error?.stack ?? error}`);
  process.exit(1);
});
