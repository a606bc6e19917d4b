import { normalizeOwnerRef } from './ownership';
import type { HandoffSpec } from './spec';
import { ApprovalRole, GateInput, GateRequirement, req } from './gateTypes';

/**
 * Requirements no exception can waive: a person's approval, separation of
 * duties, the receiving owner's acceptance. Exceptions waive artifacts and checks only.
 *
 * @public
 */
export const UNWAIVABLE_REQUIREMENTS = [
  'review-required',
  'approval-accountable',
  'approval-compliance',
  'separation-of-duties',
  'transfer-accepted',
  'owner-reviews',
];

/**
 * What an approval's role points to now: the accountable owner, or the
 * compliance approver groups (normalised, sorted, comma-separated).
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
  return complianceApprovers.length
    ? [...complianceApprovers].map(normalizeOwnerRef).sort().join(',')
    : undefined;
}

/** @public */

/** The approvals a decision needs, judged against who holds each role now, and separation of duties. */
export function approvals(
  spec: HandoffSpec | undefined,
  input: GateInput,
): GateRequirement[] {
  const recorder = input.recorder && normalizeOwnerRef(input.recorder);
  const sod = input.separationOfDuties !== false;
  const roles: ApprovalRole[] =
    spec?.risk.compliance === 'high'
      ? ['accountable', 'compliance']
      : ['accountable'];
  /** The approval of a role that still holds, or why the recorded one does not. */
  const judge = (role: ApprovalRole) => {
    const now = approvalRoleRef(role, spec, input.complianceApprovers);
    const given = input.approvals.filter(a => a.role === role);
    const valid = given.find(a => a.roleRef && a.roleRef === now);
    const voided = given.find(a => a.roleRef !== now);
    return { now, valid, voided };
  };
  const voidReason = (role: ApprovalRole, was?: string, now?: string) =>
    role === 'accountable'
      ? `Approval void: the accountable owner changed from ${
          was ?? 'someone not recorded'
        } to ${now ?? 'nobody'}. Approve again.`
      : `Approval void: the compliance approvers changed from ${
          was ?? 'groups not recorded'
        } to ${now ?? 'none'}. Approve again.`;
  const out: GateRequirement[] = [];
  const judged = roles.map(role => ({ role, ...judge(role) }));
  for (const { role, now, valid, voided } of judged) {
    const description =
      role === 'accountable'
        ? `Approval by the accountable owner${now ? ` (${now})` : ''}`
        : 'Approval by a compliance approver (compliance risk is high)';
    let reason = 'Not approved yet';
    if (role === 'accountable' && !now) {
      reason = 'The spec names no accountable owner (owners.raci.accountable)';
    } else if (!valid && voided) {
      reason = voidReason(role, voided.roleRef, now);
    }
    out.push(
      req(
        `approval-${role}`,
        description,
        Boolean(valid),
        reason,
        `Approved by ${valid?.approver}`,
      ),
    );
  }
  if (sod) {
    const approvers = judged
      .map(j => j.valid?.approver)
      .filter((a): a is string => Boolean(a))
      .map(normalizeOwnerRef);
    const problems: string[] = [];
    if (recorder && approvers.length && approvers.every(a => a === recorder)) {
      problems.push('whoever records the decision cannot be its only approver');
    }
    if (roles.length > 1 && approvers.length > 1) {
      if (new Set(approvers).size < approvers.length) {
        problems.push(
          'the accountable and the compliance approvals must come from two different people',
        );
      }
      if (recorder && approvers.includes(recorder)) {
        problems.push('neither approver may be the person recording it');
      }
    }
    out.push(
      req(
        'separation-of-duties',
        'Separation of duties: approved by someone other than whoever records the decision',
        problems.length === 0,
        `Separation of duties: ${problems.join('; ')}`,
        'Approved by others than the recorder',
      ),
    );
  }
  return out;
}
