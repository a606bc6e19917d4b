import { z } from 'zod';
import { STAGES, Stage } from './lifecycle';
import { riskLevelSchema } from './spec/schema';
import type { RiskLevel } from './spec';

/**
 * The catalog kinds the portfolio audit lists: what can be a capability.
 *
 * @public
 */
export const AUDITED_KINDS = [
  'component',
  'system',
  'resource',
  'api',
  'domain',
] as const;

/**
 * The gaps the portfolio audit finds. A view filtered by several gaps lists
 * entities with any of them.
 *
 * @public
 */
export const PORTFOLIO_GAPS = [
  'overdue',
  'owner-unresolved',
  'no-operating-owner',
  'operating-owner-differs',
  'missing-artifacts',
  'failing-checks',
  'review-required',
  'exception-expired',
  'exception-pending',
  'pending-transfer',
  'sla-breached',
  'kpi-missed',
  'work-past-due',
] as const;

/** @public */
export type PortfolioGap = (typeof PORTFOLIO_GAPS)[number];

/** @public */
export const PORTFOLIO_GAP_TITLES: Record<PortfolioGap, string> = {
  overdue: 'Review overdue',
  'owner-unresolved': 'Owner not in the catalog',
  'no-operating-owner': 'No operating owner',
  'operating-owner-differs': 'Operating owner differs after hand-off',
  'missing-artifacts': 'Artifacts missing for hand-off',
  'failing-checks': 'Failing checks',
  'review-required': 'Review required (drift or schema breach)',
  'exception-expired': 'Exception expired',
  'exception-pending': 'Exception waiting to be granted',
  'pending-transfer': 'Hand-off not accepted',
  'sla-breached': 'Waiting past its SLA',
  'kpi-missed': 'Success criterion missed twice',
  'work-past-due': 'Work past due',
};

/** @public */
export const SPEC_STATES = ['valid', 'invalid', 'missing'] as const;

/** @public */
export type SpecState = (typeof SPEC_STATES)[number];

/**
 * What the audit lists: `capabilities` (entities with a handoff spec: stage,
 * risk, spec and review), or every catalog entity it audits (`all`), whose
 * ownership is audited while only capabilities have a stage.
 *
 * @public
 */
export const PORTFOLIO_SCOPES = ['capabilities', 'all'] as const;

/** @public */
export type PortfolioScope = (typeof PORTFOLIO_SCOPES)[number];

/** A comma-separated list of allowed values, as it appears in a URL. */
const list = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform(s =>
      s
        .split(',')
        .map(v => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values as [T, ...T[]])));

/**
 * The filters of the portfolio audit, shared by its page, facets, owner
 * roll-up and CSV. Values within one filter are alternatives; filters combine.
 *
 * @public
 */
export const portfolioFilterSchema = z.strictObject({
  /** Capabilities only (when not given) or every audited catalog entity. */
  scope: z.enum(PORTFOLIO_SCOPES).optional(),
  kind: list(AUDITED_KINDS).optional(),
  /** A group: entities owned by it or any of its child groups. */
  owner: z.string().trim().min(1).max(512).optional(),
  stage: list(STAGES).optional(),
  risk: list(riskLevelSchema.options as ['low', 'medium', 'high']).optional(),
  spec: list(SPEC_STATES).optional(),
  gap: list(PORTFOLIO_GAPS).optional(),
  /** Part of the entity ref or title. */
  q: z.string().trim().max(200).optional(),
});

/** @public */
export type PortfolioFilter = z.infer<typeof portfolioFilterSchema>;

/** @public */
export const PORTFOLIO_SORTS = [
  'entityRef',
  'kind',
  'owner',
  'stage',
  'risk',
  'nextReview',
] as const;

/**
 * Query of `GET /portfolio` (and, without paging, `GET /portfolio.csv`).
 *
 * @public
 */
export const portfolioQuerySchema = portfolioFilterSchema.extend({
  sort: z.enum(PORTFOLIO_SORTS).default('entityRef'),
  order: z.enum(['asc', 'desc']).default('asc'),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** @public */
export type PortfolioQuery = z.infer<typeof portfolioQuerySchema>;

/**
 * One entity in the portfolio audit.
 *
 * @public
 */
export type PortfolioRow = {
  entityRef: string;
  kind: string;
  type?: string;
  lifecycle?: string;
  title?: string;
  owner?: string;
  /** The owner's display name in the catalog, when it has one. */
  ownerTitle?: string;
  ownerResolves: boolean;
  /** Whether it has a handoff spec; only a capability has a stage, spec and review. */
  capability: boolean;
  stage?: Stage;
  stageSince?: string;
  riskTier?: RiskLevel;
  nextReviewAt?: string;
  specState?: SpecState;
  specVersion?: number;
  /** Why the latest read of its spec failed, when it did (the version shown is older). */
  specReadError?: string;
  operatingOwner?: string;
  operatingOwnerTitle?: string;
  operatingOwnerResolves: boolean;
  missingArtifacts: string[];
  failingChecks: number;
  gaps: PortfolioGap[];
};

/** @public */
export type PortfolioPage = {
  items: PortfolioRow[];
  totalCount: number;
  offset: number;
  limit: number;
};

/**
 * How many entities each filter value would show, given the other filters.
 *
 * @public
 */
export type PortfolioFacets = {
  total: number;
  kind: Record<string, number>;
  stage: Partial<Record<Stage, number>>;
  risk: Partial<Record<RiskLevel, number>>;
  spec: Partial<Record<SpecState, number>>;
  gap: Record<PortfolioGap, number>;
  /**
   * Distinct entities in the view as filtered (gap filter included): how many
   * have an overdue review, an ownership gap (owner not in the catalog, or no
   * operating owner — counted once when both), an invalid spec.
   */
  inView?: {
    overdue: number;
    ownershipGaps: number;
    invalidSpecs: number;
    /** How many of the entities in view are capabilities. */
    capabilities: number;
  };
};

/**
 * One owner's share of the filtered portfolio.
 *
 * @public
 */
export type PortfolioOwnerRollup = {
  owner?: string;
  ownerTitle?: string;
  ownerResolves: boolean;
  total: number;
  byStage: Partial<Record<Stage, number>>;
  gaps: Record<PortfolioGap, number>;
  invalidSpecs: number;
  missingSpecs: number;
};

/** @public */
export type PortfolioOwnersResponse = { items: PortfolioOwnerRollup[] };

/**
 * The audit's catalog sync: `GET` and `POST /portfolio/sync`.
 *
 * @public
 */
export type PortfolioSyncStatus = {
  /** A full sync is running now (on any replica). */
  running: boolean;
  /** The latest full sync, running or ended. */
  latest?: {
    startedAt: string;
    updatedAt: string;
    finishedAt?: string;
    /** Catalog entities synced so far. */
    synced: number;
    /** Entities that had left the catalog, removed at the end. */
    removed?: number;
    error?: string;
  };
  /**
   * Spec hosts that did not answer lately, as the replica that answered saw
   * them: an open one's specs keep the version read before until `retryAt`.
   */
  specHosts?: SpecHostState[];
};

/**
 * One spec host the spec pass has seen fail to answer.
 *
 * @public
 */
export type SpecHostState = {
  host: string;
  /** closed: read as usual; open: held back until `retryAt`; half-open: one read may try it. */
  state: 'closed' | 'open' | 'half-open';
  /** Reads in a row the host did not answer. */
  failures: number;
  retryAt?: string;
};

/**
 * One capability as portal search indexes it (`type: 'handoff'`), from
 * `GET /search/capabilities`, which only services may call.
 *
 * @public
 */
export type CapabilitySearchDocument = {
  title: string;
  /** What a search matches: the problem it solves, its owners and stage. */
  text: string;
  /** Its Handoff tab. */
  location: string;
  entityRef: string;
  kind: string;
  stage: Stage;
  owner?: string;
  ownerTitle?: string;
  operatingOwner?: string;
  operatingOwnerTitle?: string;
  riskTier?: RiskLevel;
  nextReviewAt?: string;
  problem?: string;
};

/** @public */
export type CapabilitySearchPage = {
  items: CapabilitySearchDocument[];
  /** Pass as `after` for the next page; absent on the last. */
  next?: string;
};
