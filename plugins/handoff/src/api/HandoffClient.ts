import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { HandoffApi } from './HandoffApi';

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
    return this.request<Awaited<ReturnType<HandoffApi['getReadiness']>>>(
      `/readiness/${encodeURIComponent(ref.kind)}/${encodeURIComponent(
        ref.namespace,
      )}/${encodeURIComponent(ref.name)}`,
    );
  }

  listCapabilities() {
    return this.request<Awaited<ReturnType<HandoffApi['listCapabilities']>>>(
      '/capabilities',
    );
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
