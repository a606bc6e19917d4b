import {
  CapabilitySearchPage,
  FLOW_BEHIND,
  FlowCapabilitiesPage,
  FlowResponse,
  PortfolioOwnersResponse,
  PortfolioPage,
  PortfolioSyncStatus,
  handoffAuditReadPermission,
  handoffAuditSyncPermission,
  portfolioFilterSchema,
  portfolioQuerySchema,
} from '@handoff/backstage-plugin-handoff-common';
import { NotAllowedError, NotImplementedError } from '@backstage/errors';
import { Router } from 'express';
import { z } from 'zod';
import { FlowReport } from '../../database/FlowReport';
import { PortfolioAudit } from '../../database/PortfolioAudit';
import { HttpHelpers } from '../http';
import { parseInput } from '../parseInput';
import { streamCsv } from '../streamCsv';

const flowQuery = portfolioFilterSchema.extend({
  days: z.enum(['30', '90', '365']).default('90').transform(Number),
  behind: z.enum(FLOW_BEHIND).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const DAY = 24 * 60 * 60 * 1000;
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

const searchQuery = z.strictObject({
  after: z.string().min(1).max(600).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/** The catalog-wide portfolio audit, for holders of handoff.audit.read. */
export function portfolioRoutes(
  router: Router,
  http: HttpHelpers,
  deps: {
    portfolio: PortfolioAudit;
    /** The flow figures, counted from every trail's stored facts. */
    flow: FlowReport;
    trails: {
      acceptedOperatingOwners(): Promise<
        Array<{ entityRef: string; operatingOwner: string }>
      >;
    };
    /** The audit's catalog sync, as the scheduler runs it. */
    sync?: {
      status(): Promise<PortfolioSyncStatus>;
      /** Starts a sync now; throws ConflictError while one runs. */
      request(): Promise<void>;
    };
  },
) {
  const { callerOf, serviceOf, authorize, authorizeWrite, audited } = http;
  const { portfolio, sync, flow } = deps;

  // Flow: how long each step of the handoff takes and whether its promises
  // are kept, over the last `days` and the period before, counted in SQL
  // from the facts stored with each trail; narrowed by the portfolio's own
  // filters. Unfiltered, every trail counts, also one the audit has not
  // synced yet.
  async function flowWindow(query: z.infer<typeof flowQuery>) {
    const { days, behind, offset, limit, ...filter } = query;
    const now = new Date();
    return {
      window: { from: new Date(now.getTime() - days * DAY), to: now, now },
      scope: (await portfolio.selection(filter))?.refs,
    };
  }

  /** A page of the capabilities behind the figures, with their titles and owners. */
  async function capabilitiesOf(
    query: z.infer<typeof flowQuery>,
    page: { offset: number; limit: number },
  ): Promise<FlowCapabilitiesPage> {
    const { window, scope } = await flowWindow(query);
    const { items, total } = await flow.capabilities(window, scope, {
      behind: query.behind,
      ...page,
    });
    const rows = await portfolio.titledRows(items.map(c => c.entityRef));
    return {
      days: query.days,
      items: items.map(c => {
        const row = rows.get(lower(c.entityRef));
        return { ...c, title: row?.title, owner: row?.owner };
      }),
      ...page,
      totalCount: total,
    };
  }

  router.get('/flow', async (req, res) => {
    const credentials = await callerOf(req);
    const query = parseInput(flowQuery, req.query, 'query');
    await authorize(credentials, handoffAuditReadPermission);
    const { window, scope } = await flowWindow(query);
    const body: FlowResponse = {
      days: query.days,
      ...(await flow.figures(window, scope, refs => portfolio.titles(refs))),
    };
    res.json(body);
  });

  router.get('/flow/capabilities', async (req, res) => {
    const credentials = await callerOf(req);
    const query = parseInput(flowQuery, req.query, 'query');
    await authorize(credentials, handoffAuditReadPermission);
    res.json(await capabilitiesOf(query, query));
  });

  router.get('/flow.csv', async (req, res) => {
    const credentials = await callerOf(req);
    const query = parseInput(flowQuery, req.query, 'query');
    await authorize(credentials, handoffAuditReadPermission);
    // Every capability, a page at a time.
    async function* pages() {
      for (let offset = 0; ; offset += 500) {
        const page = await capabilitiesOf(query, { offset, limit: 500 });
        yield page.items;
        if (page.items.length < 500) return;
      }
    }
    await streamCsv(
      res,
      `handoff-flow-${query.days}-days.csv`,
      [
        'entityRef',
        'title',
        'owner',
        'tier',
        'stage',
        'daysInStage',
        'daysToOperating',
        'daysToAccept',
        'waitingForAcceptance',
        'reviewsDue',
        'reviewsLate',
        'decisions',
        'withException',
        'workDue',
        'workPastDue',
      ],
      pages(),
    );
  });

  // Portal search's collator: every capability with its stage, owners, risk
  // and problem. Only other backend plugins may call it: a user reads the
  // audit through handoff.audit.read, and search shows each document only
  // to users who may read its catalog entity.
  router.get('/search/capabilities', async (req, res) => {
    // A service with restricted access (a CI token) is refused too.
    await authorize(await serviceOf(req), handoffAuditReadPermission);
    const query = parseInput(searchQuery, req.query, 'query');
    const body: CapabilitySearchPage = await portfolio.searchDocuments(
      query.after,
      query.limit,
    );
    res.json(body);
  });

  // The catalog module's processor: which capabilities the team they were
  // handed off to runs now (annotated so permission rules can use it). Only
  // other backend plugins may call it.
  router.get('/operating-owners', async (req, res) => {
    const { principal } = await serviceOf(req);
    // A static token limited to some permissions (a CI token) is not a plugin.
    if (principal.accessRestrictions) {
      throw new NotAllowedError('Only other backend plugins may list this');
    }
    res.json({ items: await deps.trails.acceptedOperatingOwners() });
  });

  router.get('/portfolio/sync', async (req, res) => {
    const credentials = await callerOf(req);
    await authorize(credentials, handoffAuditReadPermission);
    if (!sync) throw new NotImplementedError('No catalog sync here');
    res.json(await sync.status());
  });

  // One sync at a time across replicas: the scheduler's lock on its task.
  router.post('/portfolio/sync', async (req, res) => {
    const credentials = await callerOf(req);
    await authorizeWrite(req, credentials, handoffAuditSyncPermission);
    if (!sync) throw new NotImplementedError('No catalog sync here');
    await audited(req, 'portfolio-sync', {}, () => sync.request());
    res.status(202).json(await sync.status());
  });

  router.get('/portfolio', async (req, res) => {
    const credentials = await callerOf(req);
    const query = parseInput(portfolioQuerySchema, req.query, 'query');
    await authorize(credentials, handoffAuditReadPermission);
    const body: PortfolioPage = {
      ...(await portfolio.page(query)),
      offset: query.offset,
      limit: query.limit,
    };
    res.json(body);
  });

  router.get('/portfolio/facets', async (req, res) => {
    const credentials = await callerOf(req);
    const filter = parseInput(portfolioFilterSchema, req.query, 'query');
    await authorize(credentials, handoffAuditReadPermission);
    res.json(await portfolio.facets(filter));
  });

  router.get('/portfolio/owners', async (req, res) => {
    const credentials = await callerOf(req);
    const filter = parseInput(portfolioFilterSchema, req.query, 'query');
    await authorize(credentials, handoffAuditReadPermission);
    const body: PortfolioOwnersResponse = {
      items: await portfolio.owners(filter),
    };
    res.json(body);
  });

  router.get('/portfolio.csv', async (req, res) => {
    const credentials = await callerOf(req);
    const query = parseInput(
      portfolioQuerySchema.omit({ offset: true, limit: true }),
      req.query,
      'query',
    );
    await authorize(credentials, handoffAuditReadPermission);
    async function* pages() {
      for await (const rows of portfolio.allRows(query)) {
        yield rows.map(row => ({
          ...row,
          missingArtifacts: row.missingArtifacts.join(' '),
          gaps: row.gaps.join(' '),
        }));
      }
    }
    await streamCsv(
      res,
      'handoff-portfolio.csv',
      [
        'entityRef',
        'kind',
        'title',
        'capability',
        'owner',
        'ownerTitle',
        'ownerResolves',
        'stage',
        'riskTier',
        'nextReviewAt',
        'specState',
        'operatingOwner',
        'operatingOwnerTitle',
        'missingArtifacts',
        'failingChecks',
        'gaps',
      ],
      pages(),
    );
  });
}
