import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  ApprovalRequest,
  ApprovalResponse,
  CapabilityListResponse,
  CheckResultResponse,
  DecisionRequest,
  DecisionResponse,
  TransferResponse,
  EntitySpecResponse,
  ReadinessSummary,
  ReviewCycle,
  SpecDiffResponse,
  SpecRefreshResponse,
  SpecVersionSummary,
  PortfolioFacets,
  PortfolioFilter,
  KpiHistory,
  PortfolioOwnersResponse,
  PortfolioPage,
  PortfolioSyncStatus,
  PortfolioQuery,
  FlowBehind,
  FlowCapabilitiesPage,
  FlowResponse,
  WorkItem,
  WorkItemListResponse,
  WorkItemUpdate,
  ExceptionAnswer,
  ExceptionRequest,
  ExceptionStatus,
  HandoffException,
  CheckCredential,
  CheckCredentialRequest,
  CreatedCheckCredential,
} from '@handoff/backstage-plugin-handoff-common';

/**
 * The Handoff backend, as the frontend sees it.
 *
 * @public
 */
export interface HandoffApi {
  getReadiness(entityRef: CompoundEntityRef): Promise<ReadinessSummary>;
  /** One page of capabilities; pass the previous page's `nextCursor` for the next. */
  listCapabilities(options?: {
    limit?: number;
    cursor?: string;
    q?: string;
  }): Promise<CapabilityListResponse>;
  getSpec(entityRef: CompoundEntityRef): Promise<EntitySpecResponse>;
  listSpecVersions(
    entityRef: CompoundEntityRef,
  ): Promise<{ items: SpecVersionSummary[] }>;
  diffSpecVersions(
    entityRef: CompoundEntityRef,
    from: number,
    to: number,
  ): Promise<SpecDiffResponse>;
  listDecisions(
    entityRef: CompoundEntityRef,
  ): Promise<{ items: DecisionResponse[] }>;
  /** Every periodic review, newest first, with what changed in the spec since the one before. */
  /** Review cycles, newest first, and each success criterion measured over them. */
  listCycles(
    entityRef: CompoundEntityRef,
  ): Promise<{ items: ReviewCycle[]; kpis?: KpiHistory[] }>;
  decide(
    entityRef: CompoundEntityRef,
    request: DecisionRequest,
  ): Promise<DecisionResponse>;
  approve(
    entityRef: CompoundEntityRef,
    request: ApprovalRequest,
  ): Promise<ApprovalResponse>;
  acceptTransfer(entityRef: CompoundEntityRef): Promise<TransferResponse>;
  listChecks(
    entityRef: CompoundEntityRef,
  ): Promise<{ latest: CheckResultResponse[]; history: CheckResultResponse[] }>;
  /** The whole handoff as one file: Markdown for people, JSON for trackers. */
  getPacket(
    entityRef: CompoundEntityRef,
    format: 'markdown' | 'json',
  ): Promise<Blob>;
  /** Reads the entity's spec file again now. */
  refreshSpec(entityRef: CompoundEntityRef): Promise<SpecRefreshResponse>;
  /** One page of the portfolio audit. */
  getPortfolio(query: Partial<PortfolioQuery>): Promise<PortfolioPage>;
  /** How many entities each filter value would show. */
  getPortfolioFacets(filter: PortfolioFilter): Promise<PortfolioFacets>;
  /** The filtered portfolio per owner. */
  getPortfolioOwners(filter: PortfolioFilter): Promise<PortfolioOwnersResponse>;
  /** Every row of a filtered view as CSV. */
  getPortfolioCsv(
    query: Omit<Partial<PortfolioQuery>, 'offset' | 'limit'>,
  ): Promise<Blob>;
  /** The audit's catalog sync: running, or how the latest ended. */
  getPortfolioSync(): Promise<PortfolioSyncStatus>;
  /** Starts the audit's catalog sync now (409 while one runs). */
  requestPortfolioSync(): Promise<PortfolioSyncStatus>;
  /** The capability's work items (hand-off, hardening, reviews, breaches). */
  listWorkItems(entityRef: CompoundEntityRef): Promise<WorkItemListResponse>;
  /** Changes a work item's status, at the revision the caller saw (409 when it moved on). */
  updateWorkItem(
    entityRef: CompoundEntityRef,
    id: number,
    update: WorkItemUpdate,
  ): Promise<WorkItem>;
  /** The capability's exception requests, newest first, whatever their status. */
  listExceptions(
    entityRef: CompoundEntityRef,
  ): Promise<{ items: HandoffException[] }>;
  /** Asks to waive one unmet requirement until a date; another person answers. */
  requestException(
    entityRef: CompoundEntityRef,
    request: ExceptionRequest,
  ): Promise<HandoffException>;
  /** Grants or denies someone else's request (handoff.exception.approve). */
  answerException(
    entityRef: CompoundEntityRef,
    id: number,
    answer: ExceptionAnswer,
  ): Promise<HandoffException>;
  /** Ends a pending or granted exception early (its requester, or a granter). */
  revokeException(
    entityRef: CompoundEntityRef,
    id: number,
    note: string,
  ): Promise<HandoffException>;
  /** Every capability's exceptions, newest first, for auditors. */
  listAllExceptions(options?: {
    status?: ExceptionStatus;
  }): Promise<{ items: HandoffException[] }>;
  /** The capability's check credentials (never their tokens). */
  listCredentials(
    entityRef: CompoundEntityRef,
  ): Promise<{ items: CheckCredential[] }>;
  /** Creates a check credential; the answer carries its token, shown this once. */
  createCredential(
    entityRef: CompoundEntityRef,
    request: CheckCredentialRequest,
  ): Promise<CreatedCheckCredential>;
  revokeCredential(
    entityRef: CompoundEntityRef,
    id: number,
  ): Promise<CheckCredential>;
  /** Flow figures of the last `days` and the period before, from the decision trail. */
  getFlow(days: 30 | 90 | 365, filter?: PortfolioFilter): Promise<FlowResponse>;
  /** A page of the capabilities behind the flow figures, or behind one tile. */
  getFlowCapabilities(
    days: 30 | 90 | 365,
    filter: PortfolioFilter,
    page: { behind?: FlowBehind; offset: number; limit: number },
  ): Promise<FlowCapabilitiesPage>;
  /** The capabilities behind the flow figures, as CSV. */
  getFlowCsv(days: 30 | 90 | 365, filter?: PortfolioFilter): Promise<Blob>;
}

/** @public */
export const handoffApiRef = createApiRef<HandoffApi>({
  id: 'plugin.handoff.service',
});
