import {
  ApprovalResponse,
  AuditEntry,
  CheckResultResponse,
  SpecVersion,
  SpecVersionSummary,
  Stage,
  TransferResponse,
} from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { DecisionRecord } from './HandoffStore';

/** Rows as the database hands them back, and their API shapes. */

export type DecisionRow = {
  entity_ref: string;
  sequence: number;
  decision: string;
  from_stage: string | null;
  to_stage: string;
  actor: string;
  rationale: string;
  next_review_at: Date | string | null;
  spec_version?: number | null;
  gate?: string | null;
  exception_justification?: string | null;
  exception_expires_at?: Date | string | null;
  readout?: string | null;
  created_at: Date | string;
};

export const json = (value: unknown) =>
  value === undefined ? null : JSON.stringify(value);
export const unjson = (value: string | null | undefined) =>
  value ? JSON.parse(value) : undefined;

export type SpecVersionRow = {
  entity_ref: string;
  version: number;
  content_hash: string;
  content: string;
  document: string | null;
  valid: boolean | number;
  errors: string;
  source_location: string;
  entity_state: string;
  first_seen_at: Date | string;
  last_seen_at: Date | string;
};

export const summaryColumns = [
  'entity_ref',
  'version',
  'content_hash',
  'valid',
  'errors',
  'source_location',
  'first_seen_at',
  'last_seen_at',
];

export function toSpecSummary(
  row: Omit<SpecVersionRow, 'content' | 'document' | 'entity_state'>,
): SpecVersionSummary {
  return {
    entityRef: row.entity_ref,
    version: Number(row.version),
    contentHash: row.content_hash,
    valid: Boolean(row.valid),
    errorCount: JSON.parse(row.errors).length,
    sourceLocation: row.source_location,
    firstSeenAt: toIso(row.first_seen_at),
    lastSeenAt: toIso(row.last_seen_at),
  };
}

export function toSpecVersion(row: SpecVersionRow): SpecVersion {
  return {
    ...toSpecSummary(row),
    content: row.content,
    document: row.document ? JSON.parse(row.document) : undefined,
    errors: JSON.parse(row.errors),
    entityState: JSON.parse(row.entity_state),
  };
}

export function toIso(value: Date | string): string {
  // SQLite hands timestamps back as strings or epoch numbers, PostgreSQL as Dates.
  return new Date(value).toISOString();
}

export function toRecord(row: DecisionRow): DecisionRecord {
  return {
    entityRef: row.entity_ref,
    sequence: Number(row.sequence),
    decision: row.decision,
    fromStage: (row.from_stage ?? undefined) as Stage | undefined,
    toStage: row.to_stage as Stage,
    actor: row.actor,
    rationale: row.rationale,
    nextReviewAt: row.next_review_at ? toIso(row.next_review_at) : undefined,
    specVersion: row.spec_version ?? undefined,
    gate: unjson(row.gate),
    exceptionJustification: row.exception_justification ?? undefined,
    exceptionExpiresAt: row.exception_expires_at
      ? toIso(row.exception_expires_at)
      : undefined,
    readout: unjson(row.readout),
    createdAt: toIso(row.created_at),
  };
}

export type TransferRow = {
  entity_ref: string;
  decision_sequence: number;
  to_owner: string;
  status: string;
  accepted_by?: string | null;
  accepted_at?: Date | string | null;
  created_at: Date | string;
};

export function toTransfer(row: TransferRow): TransferResponse {
  return {
    entityRef: row.entity_ref,
    decisionSequence: Number(row.decision_sequence),
    toOwner: row.to_owner,
    status: row.status as TransferResponse['status'],
    acceptedBy: row.accepted_by ?? undefined,
    acceptedAt: row.accepted_at ? toIso(row.accepted_at) : undefined,
    createdAt: toIso(row.created_at),
  };
}

export type CheckRow = {
  id: number;
  entity_ref: string;
  name: string;
  kind: string;
  status: string;
  value?: number | null;
  details?: string | null;
  link?: string | null;
  reporter: string;
  reviewed_in?: number | null;
  created_at: Date | string;
};

export function toCheck(row: CheckRow): CheckResultResponse {
  return {
    id: Number(row.id),
    entityRef: row.entity_ref,
    name: row.name,
    kind: row.kind as CheckResultResponse['kind'],
    status: row.status as CheckResultResponse['status'],
    value: row.value ?? undefined,
    details: row.details ?? undefined,
    link: row.link ?? undefined,
    reporter: row.reporter,
    manual: row.reporter.startsWith('user:'),
    ...(row.reviewed_in && { reviewedIn: Number(row.reviewed_in) }),
    createdAt: toIso(row.created_at),
  };
}

export type ApprovalRow = {
  entity_ref: string;
  decision_sequence: number;
  decision: string;
  role: string;
  approver: string;
  role_ref?: string | null;
  spec_version?: number | null;
  comment?: string | null;
  created_at: Date | string;
};

export function toApproval(row: ApprovalRow): ApprovalResponse {
  return {
    entityRef: row.entity_ref,
    decisionSequence: Number(row.decision_sequence),
    decision: row.decision as ApprovalResponse['decision'],
    role: row.role as ApprovalResponse['role'],
    approver: row.approver,
    roleRef: row.role_ref ?? undefined,
    specVersion: row.spec_version ?? undefined,
    comment: row.comment ?? undefined,
    createdAt: toIso(row.created_at),
  };
}

export type AuditRow = {
  id: number;
  entity_ref: string;
  actor: string;
  action: string;
  before: string | null;
  after: string | null;
  created_at: Date | string;
};

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    entityRef: row.entity_ref,
    actor: row.actor,
    action: row.action,
    before: unjson(row.before),
    after: unjson(row.after),
    createdAt: toIso(row.created_at),
  };
}

/** Appends one row to the audit trail, inside the caller's transaction. */
export async function appendAuditEntry(
  tx: Knex,
  entry: {
    entityRef: string;
    actor: string;
    action: string;
    before?: unknown;
    after?: unknown;
    at: Date;
  },
) {
  await tx('handoff_audit_log').insert({
    entity_ref: entry.entityRef,
    actor: entry.actor,
    action: entry.action,
    before: json(entry.before),
    after: json(entry.after),
    created_at: entry.at,
  });
}
