import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  FlowBehind,
  PortfolioFilter,
  PortfolioQuery,
  WorkItemUpdate,
  ExceptionAnswer,
  ExceptionRequest,
  ExceptionStatus,
  CheckCredentialRequest,
} from '@handoff/backstage-plugin-handoff-common';
import { HandoffApi } from './HandoffApi';

type Result<K extends keyof HandoffApi> = Awaited<ReturnType<HandoffApi[K]>>;

/** A portfolio query as URL parameters: lists comma-separated, empty ones left out. */
export function portfolioParams(
  query: Partial<PortfolioQuery> | PortfolioFilter,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(','));
    } else {
      params.set(key, String(value));
    }
  }
  return params.toString();
}

const entityPath = (ref: CompoundEntityRef) =>
  [ref.kind, ref.namespace, ref.name].map(encodeURIComponent).join('/');

/**
 * Talks to the Handoff backend through the app's fetch and discovery APIs.
 *
 * @public
 */
export class HandoffClient implements HandoffApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getReadiness(ref: CompoundEntityRef) {
    return this.request<Result<'getReadiness'>>(
      `/readiness/${entityPath(ref)}`,
    );
  }

  getSpec(ref: CompoundEntityRef) {
    return this.request<Result<'getSpec'>>(`/specs/${entityPath(ref)}`);
  }

  listSpecVersions(ref: CompoundEntityRef) {
    return this.request<Result<'listSpecVersions'>>(
      `/specs/${entityPath(ref)}/versions`,
    );
  }

  diffSpecVersions(ref: CompoundEntityRef, from: number, to: number) {
    return this.request<Result<'diffSpecVersions'>>(
      `/specs/${entityPath(ref)}/diff?from=${from}&to=${to}`,
    );
  }

  listDecisions(ref: CompoundEntityRef) {
    return this.request<Result<'listDecisions'>>(
      `/decisions/${entityPath(ref)}`,
    );
  }

  listCycles(ref: CompoundEntityRef) {
    return this.request<Result<'listCycles'>>(`/cycles/${entityPath(ref)}`);
  }

  decide(ref: CompoundEntityRef, body: Parameters<HandoffApi['decide']>[1]) {
    return this.post<Result<'decide'>>(`/decisions/${entityPath(ref)}`, body);
  }

  approve(ref: CompoundEntityRef, body: Parameters<HandoffApi['approve']>[1]) {
    return this.post<Result<'approve'>>(`/approvals/${entityPath(ref)}`, body);
  }

  acceptTransfer(ref: CompoundEntityRef) {
    return this.post<Result<'acceptTransfer'>>(
      `/transfer/${entityPath(ref)}/accept`,
      {},
    );
  }

  listChecks(ref: CompoundEntityRef) {
    return this.request<Result<'listChecks'>>(`/checks/${entityPath(ref)}`);
  }

  getPacket(ref: CompoundEntityRef, format: 'markdown' | 'json') {
    return this.blob(`/packet/${entityPath(ref)}?format=${format}`);
  }

  getPortfolio(query: Partial<PortfolioQuery>) {
    return this.request<Result<'getPortfolio'>>(
      `/portfolio?${portfolioParams(query)}`,
    );
  }

  getPortfolioFacets(filter: PortfolioFilter) {
    return this.request<Result<'getPortfolioFacets'>>(
      `/portfolio/facets?${portfolioParams(filter)}`,
    );
  }

  getPortfolioOwners(filter: PortfolioFilter) {
    return this.request<Result<'getPortfolioOwners'>>(
      `/portfolio/owners?${portfolioParams(filter)}`,
    );
  }

  getPortfolioCsv(query: Omit<Partial<PortfolioQuery>, 'offset' | 'limit'>) {
    return this.blob(`/portfolio.csv?${portfolioParams(query)}`);
  }

  private async blob(path: string): Promise<Blob> {
    const baseUrl = await this.discoveryApi.getBaseUrl('handoff');
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return res.blob();
  }

  getPortfolioSync() {
    return this.request<Result<'getPortfolioSync'>>('/portfolio/sync');
  }

  listWorkItems(ref: CompoundEntityRef) {
    return this.request<Result<'listWorkItems'>>(`/work/${entityPath(ref)}`);
  }

  updateWorkItem(ref: CompoundEntityRef, id: number, update: WorkItemUpdate) {
    return this.request<Result<'updateWorkItem'>>(
      `/work/${entityPath(ref)}/${id}`,
      {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(update),
      },
    );
  }

  listExceptions(ref: CompoundEntityRef) {
    return this.request<Result<'listExceptions'>>(
      `/exceptions/${entityPath(ref)}`,
    );
  }

  requestException(ref: CompoundEntityRef, request: ExceptionRequest) {
    return this.post<Result<'requestException'>>(
      `/exceptions/${entityPath(ref)}`,
      request,
    );
  }

  answerException(ref: CompoundEntityRef, id: number, answer: ExceptionAnswer) {
    return this.post<Result<'answerException'>>(
      `/exceptions/${entityPath(ref)}/${id}/answer`,
      answer,
    );
  }

  revokeException(ref: CompoundEntityRef, id: number, note: string) {
    return this.post<Result<'revokeException'>>(
      `/exceptions/${entityPath(ref)}/${id}/revoke`,
      { note },
    );
  }

  listAllExceptions(options: { status?: ExceptionStatus } = {}) {
    return this.request<Result<'listAllExceptions'>>(
      `/exceptions${options.status ? `?status=${options.status}` : ''}`,
    );
  }

  listCredentials(ref: CompoundEntityRef) {
    return this.request<Result<'listCredentials'>>(
      `/credentials/${entityPath(ref)}`,
    );
  }

  createCredential(ref: CompoundEntityRef, request: CheckCredentialRequest) {
    return this.post<Result<'createCredential'>>(
      `/credentials/${entityPath(ref)}`,
      request,
    );
  }

  revokeCredential(ref: CompoundEntityRef, id: number) {
    return this.post<Result<'revokeCredential'>>(
      `/credentials/${entityPath(ref)}/${id}/revoke`,
      {},
    );
  }

  getFlow(days: 30 | 90 | 365, filter: PortfolioFilter = {}) {
    return this.request<Result<'getFlow'>>(
      `/flow?${portfolioParams({ ...filter, days } as PortfolioFilter)}`,
    );
  }

  getFlowCapabilities(
    days: 30 | 90 | 365,
    filter: PortfolioFilter,
    page: { behind?: FlowBehind; offset: number; limit: number },
  ) {
    const query = { ...filter, days, ...page } as PortfolioFilter;
    return this.request<Result<'getFlowCapabilities'>>(
      `/flow/capabilities?${portfolioParams(query)}`,
    );
  }

  getFlowCsv(days: 30 | 90 | 365, filter: PortfolioFilter = {}) {
    return this.blob(
      `/flow.csv?${portfolioParams({ ...filter, days } as PortfolioFilter)}`,
    );
  }

  requestPortfolioSync() {
    return this.post<Result<'requestPortfolioSync'>>('/portfolio/sync', {});
  }

  refreshSpec(ref: CompoundEntityRef) {
    return this.request<Result<'refreshSpec'>>(
      `/specs/${entityPath(ref)}/refresh`,
      {
        method: 'POST',
      },
    );
  }

  listCapabilities(
    options: { limit?: number; cursor?: string; q?: string } = {},
  ) {
    const params = portfolioParams(options);
    return this.request<Result<'listCapabilities'>>(
      `/capabilities${params ? `?${params}` : ''}`,
    );
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('handoff');
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}
