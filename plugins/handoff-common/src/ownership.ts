import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/**
 * An owner ref as the catalog writes it: `group:default/name`, lower case
 * (`sre`, `group:sre` and `Group:default/SRE` all become `group:default/sre`).
 *
 * @public
 */
export function normalizeOwnerRef(ref: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return ref.toLocaleLowerCase('en-US');
  }
}

/**
 * Whether someone acts for an owner: they are it, or belong to it.
 * `ownership` is the user's ref and groups (`ownershipEntityRefs`).
 *
 * @public
 */
export function actsFor(owner: string, ownership: readonly string[]): boolean {
  const wanted = normalizeOwnerRef(owner);
  return ownership.some(ref => normalizeOwnerRef(ref) === wanted);
}

/**
 * Who may accept a pending hand-off: the receiving operating owner (or a
 * member of it).
 *
 * @public
 */
export function mayAcceptTransfer(
  transfer: { toOwner: string; status: string },
  ownership: readonly string[],
): boolean {
  return transfer.status === 'pending' && actsFor(transfer.toOwner, ownership);
}
