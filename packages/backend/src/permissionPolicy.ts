import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  handoffApprovalCreatePermission,
  handoffCheckCreatePermission,
  handoffPermissions,
  handoffSpecRefreshPermission,
  handoffTransferAcceptPermission,
} from '@handoff/backstage-plugin-handoff-common';

const ownerOnly = new Set(
  handoffPermissions
    .map(p => p.name)
    .filter(
      name =>
        // The backend itself lets only the accountable owner or compliance
        // approvers approve, and only the receiving owner accept a transfer;
        // neither is usually the entity's catalog owner.
        name !== handoffApprovalCreatePermission.name &&
        name !== handoffTransferAcceptPermission.name,
    ),
);

const serviceAllowed = new Set([
  handoffCheckCreatePermission.name,
  handoffSpecRefreshPermission.name,
]);

/**
 * The example portal's policy. Handoff decisions, spec refreshes and check
 * results on an entity are allowed only to its owners (the user or a group the
 * user belongs to) and to services (CI); everything else is allowed.
 * This is the seam a company replaces with its own rules.
 */
export class HandoffExamplePolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!ownerOnly.has(permission.name)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isResourcePermission(permission, 'catalog-entity')) {
      if (!user) {
        // Services (CI with a static token) may post check results and re-read
        // specs; decisions are for people.
        return {
          result: serviceAllowed.has(permission.name)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        };
      }
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({
          claims: user.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'handoff-example-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new HandoffExamplePolicy());
      },
    });
  },
});
