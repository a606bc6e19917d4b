import {
  PortfolioOwnersResponse,
  PortfolioPage,
  handoffAuditReadPermission,
  portfolioFilterSchema,
  portfolioQuerySchema,
} from '@handoff/backstage-plugin-handoff-common';
import { Router } from 'express';
import { PortfolioAudit } from '../../database/PortfolioAudit';
import { HttpHelpers } from '../http';
import { parseInput } from '../parseInput';
import { streamCsv } from '../streamCsv';

/** The catalog-wide portfolio audit, for holders of handoff.audit.read. */
export function portfolioRoutes(
  router: Router,
  http: HttpHelpers,
  deps: { portfolio: PortfolioAudit },
) {
  const { callerOf, authorize } = http;
  const { portfolio } = deps;

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
        'owner',
        'ownerResolves',
        'stage',
        'riskTier',
        'nextReviewAt',
        'specState',
        'operatingOwner',
        'missingArtifacts',
        'failingChecks',
        'gaps',
      ],
      pages(),
    );
  });
}
