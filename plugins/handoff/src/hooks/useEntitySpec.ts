import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { handoffApiRef } from '../api';

/** The entity on the page, as a compound ref, with the Handoff API. */
export function useEntityRef() {
  const { entity } = useEntity();
  return { ref: getCompoundEntityRef(entity), api: useApi(handoffApiRef) };
}

/** The latest handoff spec of the entity on the current page. */
export function useEntitySpec() {
  const { ref, api } = useEntityRef();
  return useAsyncRetry(
    () => api.getSpec(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );
}

/** Every stored version of the entity's spec, newest first. */
export function useSpecVersions() {
  const { ref, api } = useEntityRef();
  return useAsyncRetry(
    () => api.listSpecVersions(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );
}
