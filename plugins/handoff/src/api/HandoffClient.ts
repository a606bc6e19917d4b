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

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('handoff');
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}
