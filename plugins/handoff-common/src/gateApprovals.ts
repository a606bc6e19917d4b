import { normalizeOwnerRef } from './ownership';
import type { HandoffSpec } from './spec';
import { ApprovalRole, GateInput, GateRequirement, req } from './gateTypes';

/**
 * What an approval's role points to now: the accountable owner, the
 * compliance approver groups (normalised, sorted, comma-separated), or the
 * named group itself.
 *
 * @public
 */
export function approvalRoleRef(
  role: ApprovalRole,
  spec: HandoffSpec | undefined,
  complianceApprovers: readonly string[] = [],
): string | undefined {
  if (role === 'accountable') {
    const accountable = spec?.owners?.raci?.accountable;
    return accountable ? normalizeOwnerRef(accountable) : undefined;
  }
  if (role === 'compliance') {
    return complianceApprovers.length
      ? [...complianceApprovers].map(normalizeOwnerRef).sort().join(',')
      : undefined;
  }
  return normalizeOwnerRef(role);
}

/**
 * Approval roles compare as refs when they name a group.
 *
 * @public
 */
export const normalizeRole = (role: ApprovalRole): string =>
  role === 'accountable' || role === 'compliance'
    ? role
    : normalizeOwnerRef(role);

const voidReason = (role: ApprovalRole, was?: string, now?: string) => {
  if (role === 'accountable') {
    return `Approval void: the accountable owner changed from ${
      was ?? 'someone not recorded'
    } to ${now ?? 'nobody'}. Approve again.`;
  }
  return `Approval void: the compliance approvers changed from ${
    was ?? 'groups not recorded'
  } to ${now ?? 'none'}. Approve again.`;
};

/**
 * One approval a policy rule asks for, judged against who holds the role now:
 * an approval given while the role pointed elsewhere is void.
 */
export function approval(
  id: string,
  description: string,
  role: ApprovalRole,
  input: GateInput,
): GateRequirement & { approver?: string } {
  const now = approvalRoleRef(role, input.spec, input.complianceApprovers);
  const given = input.approvals.filter(
    a => normalizeRole(a.role) === normalizeRole(role),
  );
  const valid = given.find(a => a.roleRef && a.roleRef === now);
  const voided = given.find(a => a.roleRef !== now);
  let reason = 'Not approved yet';
  if (role === 'accountable' && !now) {
    reason = 'The spec names no accountable owner (owners.raci.accountable)';
  } else if (!valid && voided) {
    reason = voidReason(role, voided.roleRef, now);
  }
  return {
    ...req(
      id,
      role === 'accountable' && now ? `${description} (${now})` : description,
      Boolean(valid),
      reason,
      `Approved by ${valid?.approver}`,
      false,
    ),
    approval: { role },
    approver: valid?.approver,
  };
}

/**
 * Separation of duties over the approvals a gate asks for: whoever records
 * the decision is never its only approver, and two or more required
 * approvals come from as many different people, none of them the recorder.
 */
export function separationOfDuties(
  approvals: ReadonlyArray<{ approver?: string }>,
  input: GateInput,
): GateRequirement {
  const recorder = input.recorder && normalizeOwnerRef(input.recorder);
  const approvers = approvals
    .map(a => a.approver)
    .filter((a): a is string => Boolean(a))
    .map(normalizeOwnerRef);
  const problems: string[] = [];
  if (recorder && approvers.length && approvers.every(a => a === recorder)) {
    problems.push('whoever records the decision cannot be its only approver');
  }
  if (approvals.length > 1 && approvers.length > 1) {
    if (new Set(approvers).size < approvers.length) {
      problems.push('its approvals must come from different people');
    }
    if (recorder && approvers.includes(recorder)) {
      problems.push('neither approver may be the person recording it');
    }
  }
  return req(
    'separation-of-duties',
    'Separation of duties: approved by someone other than whoever records the decision',
    problems.length === 0,
    `Separation of duties: ${problems.join('; ')}`,
    'Approved by others than the recorder',
    false,
  );
}
