import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
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
import { handoffConditions } from '@handoff/backstage-plugin-catalog-backend-module-handoff';
import {
  handoffApprovalCreatePermission,
  handoffAuditReadPermission,
  handoffAuditSyncPermission,
  handoffExceptionApprovePermission,
  handoffPermissions,
  handoffTransferAcceptPermission,
  handoffWorkUpdatePermission,
} from '@handoff/backstage-plugin-handoff-common';

const ownerOnly = new Set(
  handoffPermissions
    .filter(p => p.type === 'resource')
    .map(p => p.name)
    .filter(
      name =>
        // The backend itself lets only the accountable owner or compliance
        // approvers approve, only the receiving owner accept a transfer, only
        // a work item's assignee or the capability's owners (the operating
        // owner after hand-off) move a work item, and only the exception
        // approvers (handoff.exceptionApprovers, never the requester) grant
        // an exception; none of them is always the entity's catalog owner.
        name !== handoffApprovalCreatePermission.name &&
        name !== handoffExceptionApprovePermission.name &&
        name !== handoffTransferAcceptPermission.name &&
        name !== handoffWorkUpdatePermission.name,
    ),
);

/**
 * The example portal's policy:
 * - handoff writes on an entity (decisions, registrations, spec refreshes,
 *   check results) only by its owners (the user or a group the user belongs
 *   to) and, once they accepted its hand-off, the team it was handed off to
 *   (`handoffConditions.isOperatingOwner`, kept by the catalog module);
 * - the catalog-wide audit and its "Sync now" (`handoff.audit.read`,
 *   `handoff.audit.sync`) only for members of the
 *   auditor groups (`handoff.auditors`, default the platform group), because
 *   it shows every entity's title, owner and rationale;
 * - everything else allowed.
 *
 * Services never reach a policy: Backstage decides their calls from their
 * token's `accessRestrictions` (the example CI token may only post check
 * results, see app-config.yaml). The user-less branch below is a fallback.
 * This is the seam a company replaces with its own rules.
 */
export class HandoffExamplePolicy implements PermissionPolicy {
  private readonly auditors: string[];

  constructor(options: { auditors?: string[] } = {}) {
    this.auditors = (options.auditors ?? ['group:default/platform']).map(g =>
      g.toLocaleLowerCase('en-US'),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const claims = (user?.info.ownershipEntityRefs ?? []).map(r =>
      r.toLocaleLowerCase('en-US'),
    );
    if (
      permission.name === handoffAuditReadPermission.name ||
      permission.name === handoffAuditSyncPermission.name
    ) {
      return {
        result: this.auditors.some(group => claims.includes(group))
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    if (!ownerOnly.has(permission.name)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (user && isResourcePermission(permission, 'catalog-entity')) {
      const refs = user.info.ownershipEntityRefs ?? [];
      return createCatalogConditionalDecision(permission, {
        anyOf: [
          catalogConditions.isEntityOwner({ claims: refs }),
          handoffConditions.isOperatingOwner({ claims: refs }),
        ],
      });
    }
    return { result: AuthorizeResult.DENY };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'handoff-example-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(
          new HandoffExamplePolicy({
            auditors: config.getOptionalStringArray('handoff.auditors'),
          }),
        );
      },
    });
  },
});
