import {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { PortfolioSyncStatus } from '@handoff/backstage-plugin-handoff-common';
import { HandoffTracker } from '@handoff/backstage-plugin-handoff-node';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import { Knex } from 'knex';
import Router from 'express-promise-router';
import { PortfolioAudit } from '../database/PortfolioAudit';
import { SpecIngester } from '../catalog/SpecIngester';
import { HandoffStore } from '../database/HandoffStore';
import { CapabilityService } from './CapabilityService';
import { CheckService } from './CheckService';
import { WorkService } from './WorkService';
import { RegistrationService } from './RegistrationService';
import { httpHelpers } from './http';
import { RateLimits, perCaller } from './rateLimits';
import { auditTrailRoutes } from './routes/auditTrailRoutes';
import { portfolioRoutes } from './routes/portfolioRoutes';
import { FlowReport } from '../database/FlowReport';
import { specRoutes } from './routes/specRoutes';
import { TokenReach, workflowRoutes } from './routes/workflowRoutes';
import { exceptionRoutes } from './routes/exceptionRoutes';
import { credentialRoutes } from './routes/credentialRoutes';
import { ExceptionService } from './ExceptionService';
import { webhookRoutes } from './routes/webhookRoutes';
import { WorkflowService } from './WorkflowService';
import { unavailableWhileDependenciesAreDown } from './unavailable';

export type RouterOptions = {
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  store: HandoffStore;
  ingester: SpecIngester;
  workflow: WorkflowService;
  portfolio: PortfolioAudit;
  /** The flow figures of `GET /flow`. */
  flow: FlowReport;
  /** The audit's catalog sync on request (`POST /portfolio/sync`). */
  sync?: {
    status(): Promise<PortfolioSyncStatus>;
    request(): Promise<void>;
  };
  /** The plugin's database, for the health check. */
  database: Knex;
  /** Tells owners of a new drift or schema breach. */
  notifications?: NotificationService;
  logger?: LoggerService;
  /** The engineering tracker a module installed, if any. */
  tracker?: HandoffTracker;
  /** Per-caller limits of costly requests (defaults: 600 checks, 6 reads a minute). */
  rateLimits?: RateLimits;
  /** Which entities each static token may post check results for (handoff.tokenReach). */
  tokenReach?: TokenReach[];
};

/**
 * The Handoff REST API. Every route parses its input with the common zod
 * schemas, finds its caller and entity, is authorized, calls a service and
 * answers; the routes live by concern under ./routes.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  // Signed by the tracker over the raw bytes: before the JSON parser.
  webhookRoutes(router, options);
  router.use(express.json());
  const http = httpHelpers(options);
  const limits = {
    checks: perCaller({
      httpAuth: options.httpAuth,
      limit: options.rateLimits?.checksPerMinute ?? 600,
      what: 'check results from one credential',
    }),
    refreshes: perCaller({
      httpAuth: options.httpAuth,
      limit: options.rateLimits?.refreshesPerMinute ?? 6,
      what: 'reads of the spec',
      perCapability: true,
    }),
  };
  const capabilities = new CapabilityService(options);
  const checks = new CheckService(options);
  const registrations = new RegistrationService(options);

  // Whether the plugin can serve: its database answers. 503 otherwise, so a
  // load balancer stops sending it requests.
  router.get('/health', async (_req, res) => {
    try {
      await options.database.raw('select 1');
      res.json({ status: 'ok' });
    } catch {
      // The shape of Backstage's own /.backstage/health/v1/readiness.
      res.status(503).json({
        status: 'error',
        message: 'Handoff cannot reach its database',
      });
    }
  });
  workflowRoutes(router, http, {
    ...options,
    capabilities,
    checks,
    registrations,
    work: new WorkService(options),
    checkLimit: limits.checks,
  });
  credentialRoutes(router, http, {
    ...options,
    checks,
    checksPerMinute: options.rateLimits?.checksPerMinute ?? 600,
  });
  exceptionRoutes(router, http, {
    ...options,
    exceptions: new ExceptionService(options),
  });
  specRoutes(router, http, {
    ...options,
    capabilities,
    refreshLimit: limits.refreshes,
  });
  portfolioRoutes(router, http, {
    ...options,
    trails: options.store,
  });
  auditTrailRoutes(router, http, options);
  router.use(unavailableWhileDependenciesAreDown);
  return router;
}
