import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { ConflictError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { ReviewReminders } from './reviews/ReviewReminders';
import { handoffPermissions } from '@handoff/backstage-plugin-handoff-common';
import { PortfolioAudit } from './database/PortfolioAudit';
import { EntityProjection } from './catalog/EntityProjection';
import { SpecIngester } from './catalog/SpecIngester';
import { SpecParser } from '@handoff/backstage-plugin-handoff-node';
import { HandoffMetrics } from './service/metrics';
import { DatabaseProjectionStore } from './database/ProjectionStore';
import { DatabaseHandoffStore } from './database/DatabaseHandoffStore';
import { createRouter } from './service/router';
import { FlowReport } from './database/FlowReport';
import { readRateLimits } from './service/rateLimits';
import {
  HandoffTracker,
  handoffTrackerExtensionPoint,
  loadGatePolicy,
} from '@handoff/backstage-plugin-handoff-node';
import { WorkDelivery } from './work/WorkDelivery';
import { closeMetHardenWork } from './work/closeMetHardenWork';
import { WorkflowService } from './service/WorkflowService';
import { scheduleHandoffTask } from './scheduledTasks';

/** The audit's full catalog sync, which `POST /portfolio/sync` triggers. */
const PROJECTION_TASK = 'handoff-entity-projection';

/**
 * A full sync that made no progress for this long died (its replica or its
 * database went away): another may take its place. A page of the catalog
 * takes a second or two.
 */
const SYNC_STALE_MS = 30_000;

/**
 * The Handoff backend plugin: handoff specs, readiness decisions and reviews.
 *
 * @public
 */
export const handoffPlugin = createBackendPlugin({
  pluginId: 'handoff',
  register(env) {
    let tracker: HandoffTracker | undefined;
    env.registerExtensionPoint(handoffTrackerExtensionPoint, {
      setTracker(t) {
        if (tracker) {
          throw new Error(
            `Handoff files work in one tracker; ${tracker.id} is installed already, so ${t.id} cannot be`,
          );
        }
        tracker = t;
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        userInfo: coreServices.userInfo,
        urlReader: coreServices.urlReader,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger, scheduler, httpRouter } = deps;
        deps.permissionsRegistry.addPermissions(handoffPermissions);
        // An invalid policy throws here: the backend does not start on it.
        const gatePolicy = loadGatePolicy(config);
        logger.info(
          `Gate policy ${gatePolicy.hash} (${
            gatePolicy.source ?? 'the default'
          }, ${gatePolicy.policy.rules.length} rules)`,
        );
        const store = await DatabaseHandoffStore.create({
          database: deps.database,
          policy: gatePolicy.policy,
        });
        const projectionStore = await DatabaseProjectionStore.create({
          database: deps.database,
        });
        const projection = new EntityProjection({
          catalog: deps.catalog,
          auth: deps.auth,
          store: projectionStore,
          logger,
        });
        const parser = new SpecParser({
          threads: config.getOptionalNumber('handoff.specs.parserThreads'),
          logger,
        });
        deps.lifecycle.addShutdownHook(() => parser.close());
        const ingester = new SpecIngester({
          store,
          catalog: deps.catalog,
          auth: deps.auth,
          urlReader: deps.urlReader,
          integrations: ScmIntegrations.fromConfig(config),
          logger,
          projection,
          readTimeoutMs: config.has('handoff.specs.readTimeout')
            ? durationToMilliseconds(
                readDurationFromConfig(config, {
                  key: 'handoff.specs.readTimeout',
                }),
              )
            : undefined,
          concurrency: config.getOptionalNumber('handoff.specs.concurrency'),
          parser,
        });

        const task = {
          config,
          scheduler,
          logger,
          defaults: { frequency: { minutes: 5 }, timeout: { seconds: 30 } },
        };
        // The audit's figures, the decisions recorded and the spec passes,
        // for whatever OpenTelemetry exporter the backend set up (Prometheus, say).
        const portfolio = new PortfolioAudit(await deps.database.getClient());
        const metrics = new HandoffMetrics(portfolio);
        deps.lifecycle.addShutdownHook(() => metrics.close());
        const timedPass =
          (kind: 'full' | 'changed', pass: typeof ingester.ingestAll) =>
          async (signal: AbortSignal, budgetMs: number) => {
            const started = performance.now();
            const totals = await pass.call(ingester, signal, { budgetMs });
            metrics.specPassRun(
              kind,
              (performance.now() - started) / 1000,
              totals,
            );
            return totals;
          };
        // A full pass is cut into runs that fit the timeout; the next run,
        // on any replica, goes on where the last one stopped.
        await scheduleHandoffTask({
          ...task,
          id: 'handoff-spec-ingestion',
          configKey: 'handoff.specs.schedule',
          defaults: { ...task.defaults, initialDelay: { seconds: 30 } },
          run: timedPass('full', ingester.ingestAll),
        });
        // Entities whose catalog record changed (or that are new) are read
        // between full passes: a cheap listing of refs and etags.
        await scheduleHandoffTask({
          ...task,
          id: 'handoff-spec-ingestion-changed',
          configKey: 'handoff.specs.changedSchedule',
          defaults: {
            frequency: { seconds: 30 },
            timeout: { seconds: 30 },
            initialDelay: { seconds: 20 },
          },
          run: timedPass('changed', ingester.ingestChanged),
        });

        const reminders = new ReviewReminders({
          store,
          catalog: deps.catalog,
          auth: deps.auth,
          notifications: deps.notifications,
          logger,
          cadenceDays: gatePolicy.policy.reviewCadenceDays,
        });
        // With several replicas, one of them runs each sweep.
        await scheduleHandoffTask({
          ...task,
          id: 'handoff-review-reminders',
          configKey: 'handoff.reviews.schedule',
          defaults: {
            frequency: { hours: 1 },
            timeout: { seconds: 30 },
            initialDelay: { minutes: 1 },
          },
          // Claims are leased for the rest of the timeout after the budget.
          run: (signal, budgetMs) =>
            reminders.sweep({ signal, budgetMs, leaseMs: budgetMs / 2 }),
        });

        // Entities whose catalog record changed reach the audit between full syncs.
        await scheduleHandoffTask({
          ...task,
          id: 'handoff-entity-projection-changed',
          configKey: 'handoff.projection.changedSchedule',
          defaults: {
            frequency: { seconds: 30 },
            timeout: { seconds: 30 },
            initialDelay: { seconds: 25 },
          },
          run: (signal, budgetMs) =>
            projection.syncChanged(signal, { budgetMs }),
        });
        await scheduleHandoffTask({
          ...task,
          id: PROJECTION_TASK,
          configKey: 'handoff.projection.schedule',
          defaults: {
            frequency: { minutes: 30 },
            timeout: { seconds: 60 },
            initialDelay: { seconds: 45 },
          },
          // Skipped while a sync asked for by a person runs (on any replica).
          run: async signal => {
            const claimed = await projection.claimSync(SYNC_STALE_MS);
            if (claimed) await projection.syncAll(signal, claimed);
          },
        });

        const workflow = new WorkflowService({
          store,
          catalog: deps.catalog,
          auth: deps.auth,
          userInfo: deps.userInfo,
          complianceApprovers:
            config.getOptionalStringArray('handoff.complianceApprovers') ?? [],
          exceptionApprovers: config.getOptionalStringArray(
            'handoff.exceptionApprovers',
          ),
          separationOfDuties:
            config.getOptionalBoolean('handoff.separationOfDuties') ?? true,
          gatePolicy,
          metrics,
        });

        // Work items: hardening items close when their requirement is met,
        // and with a tracker installed each item is filed and read back.
        const delivery =
          tracker &&
          new WorkDelivery({
            store,
            tracker,
            catalog: deps.catalog,
            auth: deps.auth,
            logger,
            baseUrl: config.getString('app.baseUrl'),
          });
        if (tracker) logger.info(`Work items are filed in ${tracker.id}`);
        await scheduleHandoffTask({
          ...task,
          id: 'handoff-work',
          configKey: 'handoff.work.schedule',
          defaults: {
            frequency: { minutes: 1 },
            timeout: { seconds: 60 },
            initialDelay: { seconds: 40 },
          },
          run: async (signal, budgetMs) => {
            await closeMetHardenWork({
              store,
              workflow,
              catalog: deps.catalog,
              auth: deps.auth,
              signal,
            });
            if (!delivery) return { finished: true };
            const sent = await delivery.deliver({
              signal,
              budgetMs: budgetMs / 2,
              // A claim outlives the run's timeout: no other replica sends
              // the same item while this one may still be sending it.
              leaseMs: budgetMs * 2,
            });
            await delivery.readBack({ signal, budgetMs: budgetMs / 4 });
            return { finished: sent.finished };
          },
        });

        httpRouter.use(
          await createRouter({
            rateLimits: readRateLimits(config),
            tokenReach: config
              .getOptionalConfigArray('handoff.tokenReach')
              ?.map(c => ({
                subject: c.getString('subject'),
                owners: c.getOptionalStringArray('owners'),
                kinds: c.getOptionalStringArray('kinds'),
              })),
            auth: deps.auth,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            catalog: deps.catalog,
            store,
            ingester,
            portfolio,
            flow: new FlowReport(
              await deps.database.getClient(),
              gatePolicy.policy.sla,
            ),
            sync: {
              // Runs here and now, not through the scheduler: a sync whose
              // replica or database went away gives way at once, and one
              // asked for before the task's first run starts too.
              request: async () => {
                const claimed = await projection.claimSync(SYNC_STALE_MS);
                if (!claimed) {
                  throw new ConflictError(
                    'A catalog sync is already running; its progress is shown here',
                  );
                }
                projection
                  .syncAll(undefined, claimed)
                  .catch(error =>
                    logger.warn(
                      `The catalog sync asked for failed: ${
                        (error as Error).message
                      }`,
                    ),
                  );
              },
              status: async () => {
                // Spec hosts that did not answer lately, as this replica's
                // pass saw them: a platform engineer sees why specs are old.
                const specHosts = ingester.hosts.states();
                const latest = await projectionStore.syncStatus();
                if (!latest || latest.finishedAt) {
                  return {
                    running: false,
                    ...(latest && { latest }),
                    specHosts,
                  };
                }
                // No progress for a while: it died with its replica or database.
                if (
                  Date.now() - Date.parse(latest.updatedAt) >=
                  SYNC_STALE_MS
                ) {
                  return {
                    running: false,
                    specHosts,
                    latest: {
                      ...latest,
                      finishedAt: latest.updatedAt,
                      error:
                        'It stopped without finishing: the backend running it or its database went away. Start a new one.',
                    },
                  };
                }
                return { running: true, latest, specHosts };
              },
            },
            database: await deps.database.getClient(),
            notifications: deps.notifications,
            logger,
            workflow,
            tracker,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // A CI job's check credential is checked by the route itself.
        httpRouter.addAuthPolicy({ path: '/ci', allow: 'unauthenticated' });
        // Trackers sign their webhooks; the route checks the signature.
        httpRouter.addAuthPolicy({
          path: '/webhooks',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
