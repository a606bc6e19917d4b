import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Record a readiness decision (start review, harden, hand off, operate,
 * reframe, stop) for a catalog entity.
 *
 * @public
 */
export const handoffDecisionCreatePermission = createPermission({
  name: 'handoff.decision.create',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/**
 * Approve a pending transition of a catalog entity.
 *
 * @public
 */
export const handoffApprovalCreatePermission = createPermission({
  name: 'handoff.approval.create',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/**
 * Accept the operating ownership handed to you (or your group).
 *
 * @public
 */
export const handoffTransferAcceptPermission = createPermission({
  name: 'handoff.transfer.accept',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Post a check result (CI, data pipeline) for a catalog entity.
 *
 * @public
 */
export const handoffCheckCreatePermission = createPermission({
  name: 'handoff.check.create',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/**
 * Re-read a catalog entity's handoff spec on demand.
 *
 * @public
 */
export const handoffSpecRefreshPermission = createPermission({
  name: 'handoff.spec.refresh',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Read the catalog-wide audit and the audit trail.
 *
 * @public
 */
export const handoffAuditReadPermission = createPermission({
  name: 'handoff.audit.read',
  attributes: { action: 'read' },
});

/**
 * Ask for the audit's catalog sync now instead of at its next run (the
 * platform team's "Sync now").
 *
 * @public
 */
export const handoffAuditSyncPermission = createPermission({
  name: 'handoff.audit.sync',
  attributes: { action: 'update' },
});

/**
 * Register a new capability's initial state (the scaffolder does this on
 * behalf of the user who ran the template).
 *
 * @public
 */
export const handoffCapabilityRegisterPermission = createPermission({
  name: 'handoff.capability.register',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/**
 * Change the status of a capability's work item (start, done, won't do, reopen).
 *
 * @public
 */
export const handoffWorkUpdatePermission = createPermission({
  name: 'handoff.work.update',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Grant or deny another person's exception request (waiving one requirement
 * of a capability's gates until a date). Never the requester's own, never for
 * a decision the granter records.
 *
 * @public
 */
export const handoffExceptionApprovePermission = createPermission({
  name: 'handoff.exception.approve',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Create, list and revoke a capability's check credentials (the tokens its
 * CI posts check results with).
 *
 * @public
 */
export const handoffCredentialManagePermission = createPermission({
  name: 'handoff.credential.manage',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Every permission of the Handoff plugins, for registration and policies.
 *
 * @public
 */
export const handoffPermissions = [
  handoffDecisionCreatePermission,
  handoffApprovalCreatePermission,
  handoffTransferAcceptPermission,
  handoffCheckCreatePermission,
  handoffSpecRefreshPermission,
  handoffAuditReadPermission,
  handoffAuditSyncPermission,
  handoffCapabilityRegisterPermission,
  handoffWorkUpdatePermission,
  handoffExceptionApprovePermission,
  handoffCredentialManagePermission,
];
