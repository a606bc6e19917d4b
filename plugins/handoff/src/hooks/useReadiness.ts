import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { handoffApiRef } from '../api';

/** The readiness summary of the entity on the current page; `revision` forces a reload. */
export function useReadiness(revision = 0) {
  const { entity } = useEntity();
  const api = useApi(handoffApiRef);
  const ref = getCompoundEntityRef(entity);
  return useAsyncRetry(
    () => api.getReadiness(ref),
    [api, ref.kind, ref.namespace, ref.name, revision],
  );
}
