import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { handoffApiRef } from '../api';

/** The entity on the page, as a compound ref, with the Handoff API. */
export function useEntityRef() {
  const { entity } = useEntity();
  return { ref: getCompoundEntityRef(entity), api: useApi(handoffApiRef) };
}

/** How often a spec not read yet is asked for again. */
const NOT_READ_POLL_MS = 5_000;

/**
 * The latest handoff spec of the entity on the current page; `revision`
 * forces a reload. A spec the backend has not read yet is asked for again
 * every few seconds until it has been.
 */
export function useEntitySpec(revision = 0) {
  const { ref, api } = useEntityRef();
  const state = useAsyncRetry(
    () => api.getSpec(ref),
    [api, ref.kind, ref.namespace, ref.name, revision],
  );
  const waiting = Boolean(
    !state.loading && state.value?.specLocation && !state.value.readAt,
  );
  const { retry } = state;
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = setTimeout(retry, NOT_READ_POLL_MS);
    return () => clearTimeout(timer);
  }, [waiting, retry]);
  return state;
}

/** Every stored version of the entity's spec, newest first; `revision` forces a reload. */
export function useSpecVersions(revision = 0) {
  const { ref, api } = useEntityRef();
  return useAsyncRetry(
    () => api.listSpecVersions(ref),
    [api, ref.kind, ref.namespace, ref.name, revision],
  );
}
