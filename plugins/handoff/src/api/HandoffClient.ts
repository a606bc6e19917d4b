import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { HandoffApi } from './HandoffApi';

type Result<K extends keyof HandoffApi> = Awaited<ReturnType<HandoffApi[K]>>;

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

  getSpecVersion(ref: CompoundEntityRef, version: number) {
    return this.request<Result<'getSpecVersion'>>(
      `/specs/${entityPath(ref)}/versions/${version}`,
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

  decide(ref: CompoundEntityRef, body: Parameters<HandoffApi['decide']>[1]) {
    return this.post<Result<'decide'>>(`/decisions/${entityPath(ref)}`, body);
  }

  listApprovals(ref: CompoundEntityRef) {
    return this.request<Result<'listApprovals'>>(
      `/approvals/${entityPath(ref)}`,
    );
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

  async getPacket(ref: CompoundEntityRef, format: 'markdown' | 'json') {
    const baseUrl = await this.discoveryApi.getBaseUrl('handoff');
    const res = await this.fetchApi.fetch(
      `${baseUrl}/packet/${entityPath(ref)}?format=${format}`,
    );
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return res.blob();
  }

  refreshSpec(ref: CompoundEntityRef) {
    return this.request<Result<'refreshSpec'>>(
      `/specs/${entityPath(ref)}/refresh`,
      {
        method: 'POST',
      },
    );
  }

  listCapabilities() {
    return this.request<Result<'listCapabilities'>>('/capabilities');
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
