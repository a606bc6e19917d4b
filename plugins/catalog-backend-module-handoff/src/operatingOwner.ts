import type { Entity } from '@backstage/catalog-model';
import { catalogEntityPermissionResourceRef } from '@backstage/plugin-catalog-node/alpha';
import {
  createConditionExports,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { ANNOTATION_HANDOFF_OPERATING_OWNER } from '@handoff/backstage-plugin-handoff-common';
import { z } from 'zod';

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * A catalog permission rule: the entity is a capability whose hand-off the
 * user (or a group they belong to) accepted, and runs now — even while the
 * catalog still names the team that built it as its owner. It reads the
 * `handoff.dev/operating-owner` annotation the
 * {@link OperatingOwnerProcessor} keeps; a catalog file cannot set it.
 *
 * @public
 */
export const isHandoffOperatingOwnerRule = createPermissionRule({
  name: 'IS_HANDOFF_OPERATING_OWNER',
  description:
    'Allow capabilities whose accepted Handoff operating owner is one of the claims (the receiving team after a hand-off)',
  resourceRef: catalogEntityPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe(
        "The user's ownership refs: the user and the groups they belong to",
      ),
  }),
  apply: (entity: Entity, { claims }) => {
    const owner =
      entity.metadata.annotations?.[ANNOTATION_HANDOFF_OPERATING_OWNER];
    return Boolean(owner) && claims.map(lower).includes(lower(owner!));
  },
  toQuery: ({ claims }) => ({
    key: `metadata.annotations.${ANNOTATION_HANDOFF_OPERATING_OWNER}`,
    values: claims.map(lower),
  }),
});

const exports = createConditionExports({
  pluginId: 'catalog',
  resourceType: 'catalog-entity',
  rules: { isOperatingOwner: isHandoffOperatingOwnerRule },
});

/**
 * Conditions for permission policies: `handoffConditions.isOperatingOwner`
 * with the user's claims, e.g. beside `catalogConditions.isEntityOwner` in
 * an `anyOf`.
 *
 * @public
 */
export const handoffConditions = exports.conditions;
