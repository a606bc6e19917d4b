import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/** A group or user of the catalog, as a person names it. */
export type CatalogOwner = { ref: string; title?: string };

/**
 * The catalog's entities of `kinds` (groups, users) that can own something,
 * each with its display name, sorted by ref.
 */
export function useCatalogOwners(kinds: string[]) {
  const catalogApi = useApi(catalogApiRef);
  const key = kinds.join(',');
  return useAsync(async (): Promise<CatalogOwner[]> => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: key.split(',') },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items
      .map(entity => ({
        ref: stringifyEntityRef(entity),
        title:
          entity.metadata.title ??
          (entity.spec?.profile as { displayName?: string } | undefined)
            ?.displayName,
      }))
      .sort((a, b) => a.ref.localeCompare(b.ref));
  }, [catalogApi, key]);
}
