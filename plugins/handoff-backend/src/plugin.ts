import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { ReviewReminders } from './reviews/ReviewReminders';
import { handoffPermissions } from '@handoff/backstage-plugin-handoff-common';
import { PortfolioAudit } from './database/PortfolioAudit';
import { EntityProjection } from './catalog/EntityProjection';
import { SpecIngester } from './catalog/SpecIngester';
import { DatabaseProjectionStore } from './database/ProjectionStore';
import { DatabaseHandoffStore } from './database/DatabaseHandoffStore';
import { createRouter } from './service/router';
import { loadGatePolicy } from '@handoff/backstage-plugin-handoff-node';
import { WorkflowService } from './service/WorkflowService';

/**
 * The Handoff backend plugin: handoff specs, readiness decisions and reviews.
 *
 * @public
 */
export const handoffPlugin = createBackendPlugin({
  pluginId: 'handoff',
  register(env) {
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
        const projection = new EntityProjection({
          catalog: deps.catalog,
          auth: deps.auth,
          store: await DatabaseProjectionStore.create({
            database: deps.database,
          }),
          logger,
        });
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
        });

        const scheduleConfig = config.getOptionalConfig(
          'handoff.specs.schedule',
        );
        await scheduler.scheduleTask({
          id: 'handoff-spec-ingestion',
          scope: 'global',
          ...(scheduleConfig
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                scheduleConfig,
              )
            : {
                frequency: { minutes: 5 },
                timeout: { minutes: 10 },
                initialDelay: { seconds: 30 },
              }),
          // The scheduler aborts the signal at the task's timeout or at shutdown.
          fn: async (abortSignal: AbortSignal) => {
            await ingester.ingestAll(abortSignal);
          },
        });
        // Entities whose catalog record changed (or that are new) are read
        // between full passes: a cheap listing of refs and etags.
        const changedConfig = config.getOptionalConfig(
          'handoff.specs.changedSchedule',
        );
        await scheduler.scheduleTask({
          id: 'handoff-spec-ingestion-changed',
          scope: 'global',
          ...(changedConfig
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                changedConfig,
              )
            : {
                frequency: { seconds: 30 },
                timeout: { minutes: 5 },
                initialDelay: { seconds: 20 },
              }),
          fn: async (abortSignal: AbortSignal) => {
            await ingester.ingestChanged(abortSignal);
          },
        });

        const reminders = new ReviewReminders({
          store,
          catalog: deps.catalog,
          auth: deps.auth,
          notifications: deps.notifications,
          logger,
          cadenceDays: gatePolicy.policy.reviewCadenceDays,
        });
        const reminderConfig = config.getOptionalConfig(
          'handoff.reviews.schedule',
        );
        await scheduler.scheduleTask({
          id: 'handoff-review-reminders',
          // Global: with several replicas, one of them runs each sweep.
          scope: 'global',
          ...(reminderConfig
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                reminderConfig,
              )
            : {
                frequency: { hours: 1 },
                timeout: { minutes: 10 },
                initialDelay: { minutes: 1 },
              }),
          fn: async () => {
            await reminders.sendDue();
          },
        });

        const projectionConfig = config.getOptionalConfig(
          'handoff.projection.schedule',
        );
        await scheduler.scheduleTask({
          id: 'handoff-entity-projection',
          scope: 'global',
          ...(projectionConfig
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                projectionConfig,
              )
            : {
                frequency: { minutes: 30 },
                timeout: { minutes: 20 },
                initialDelay: { seconds: 45 },
              }),
          fn: async (abortSignal: AbortSignal) => {
            await projection.syncAll(abortSignal);
          },
        });

        httpRouter.use(
          await createRouter({
            auth: deps.auth,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            catalog: deps.catalog,
            store,
            ingester,
            portfolio: new PortfolioAudit(await deps.database.getClient()),
            database: await deps.database.getClient(),
            notifications: deps.notifications,
            logger,
            workflow: new WorkflowService({
              store,
              catalog: deps.catalog,
              auth: deps.auth,
              userInfo: deps.userInfo,
              complianceApprovers:
                config.getOptionalStringArray('handoff.complianceApprovers') ??
                [],
              separationOfDuties:
                config.getOptionalBoolean('handoff.separationOfDuties') ?? true,
              gatePolicy,
            }),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
