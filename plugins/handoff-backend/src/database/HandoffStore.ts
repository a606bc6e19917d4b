import {
  ApprovalResponse,
  AuditEntry,
  ReviewReadout,
  CheckResultResponse,
  GateResult,
  SpecError,
  SpecVersion,
  SpecVersionSummary,
  Stage,
  TransferResponse,
  FlowHistory,
  HandoffSpec,
  RiskProfile,
  SlaKind,
} from '@handoff/backstage-plugin-handoff-common';
import type { DatabaseWorkStore, NewWorkItem } from './DatabaseWorkStore';
import type { DatabaseExceptionStore } from './DatabaseExceptionStore';
import type { DatabaseCredentialStore } from './DatabaseCredentialStore';

/** One recorded readiness decision. */
export type DecisionRecord = {
  entityRef: string;
  sequence: number;
  decision: string;
  fromStage?: Stage;
  toStage: Stage;
  actor: string;
  rationale: string;
  nextReviewAt?: string;
  specVersion?: number;
  gate?: GateResult;
  exceptionJustification?: string;
  exceptionExpiresAt?: string;
  /** A review's readout. */
  readout?: ReviewReadout;
  createdAt: string;
};

/** What a caller hands to {@link HandoffStore.appendDecision}. */
export type NewDecision = Omit<DecisionRecord, 'sequence' | 'createdAt'> & {
  /** The sequence the caller saw as latest (0 for none); a stale value is refused. */
  expectedSequence: number;
  /** For a hand-off: the receiving operating owner, who must accept. */
  transferTo?: string;
  /** The work the decision implies, stored in its transaction. */
  work?: NewWorkItem[];
};

/** Work items and their delivery to the tracker. */
export type WorkStore = {
  [K in keyof DatabaseWorkStore]: DatabaseWorkStore[K];
};

/** Check credentials. */
export type CredentialStore = {
  [K in keyof DatabaseCredentialStore]: DatabaseCredentialStore[K];
};

/** Exception requests and their answers. */
export type ExceptionStore = {
  [K in keyof DatabaseExceptionStore]: DatabaseExceptionStore[K];
};

/** Decisions, approvals, transfers, check results and the audit trail. */
export interface WorkflowStore {
  latestDecision(entityRef: string): Promise<DecisionRecord | undefined>;
  latestDecisions(entityRefs: string[]): Promise<Map<string, DecisionRecord>>;
  listDecisions(entityRef: string): Promise<DecisionRecord[]>;
  /** Every capability's decision trail and transfers, for the flow figures. */
  flowHistories(): Promise<FlowHistory[]>;
  /**
   * Appends a decision, its audit entry and (for a hand-off) the pending transfer,
   * all or nothing; resolves false, writing nothing, when `expectedSequence` is stale.
   * A stage-changing decision cancels a pending transfer; a review marks the
   * failing drift and schema results it judged.
   */
  appendDecision(decision: NewDecision): Promise<DecisionRecord | false>;
  /** Resolves false when the same role already approved this transition at this stage. */
  addApproval(
    approval: Omit<ApprovalResponse, 'createdAt'>,
  ): Promise<ApprovalResponse | false>;
  listApprovals(
    entityRef: string,
    decisionSequence: number,
  ): Promise<ApprovalResponse[]>;
  latestTransfer(entityRef: string): Promise<TransferResponse | undefined>;
  /** Capabilities run by the owner their latest hand-off was accepted by. */
  acceptedOperatingOwners(): Promise<
    Array<{ entityRef: string; operatingOwner: string }>
  >;
  /** Resolves false when there is no pending transfer for that hand-off. */
  acceptTransfer(
    entityRef: string,
    decisionSequence: number,
    acceptedBy: string,
  ): Promise<TransferResponse | false>;
  /**
   * Stores a check result; a failing drift or schema check opens its breach
   * item (`breach`) unless one is open, a passing one closes it.
   */
  addCheckResult(
    check: Omit<CheckResultResponse, 'id' | 'createdAt' | 'manual'>,
    breach?: NewWorkItem,
  ): Promise<CheckResultResponse>;
  /** The latest result of each named check. */
  latestChecks(entityRef: string): Promise<CheckResultResponse[]>;
  /** For many entities at once: the latest result of each named check. */
  latestChecksOf(
    entityRefs: string[],
  ): Promise<Map<string, CheckResultResponse[]>>;
  listChecks(entityRef: string, limit: number): Promise<CheckResultResponse[]>;
  listAudit(query: {
    entityRef?: string;
    limit: number;
    before?: number;
  }): Promise<AuditEntry[]>;
}

/** Overdue reviews and their reminders. */
export interface ReminderStore {
  /** Latest decisions whose next review date has passed. */
  overdueDecisions(now: Date): Promise<DecisionRecord[]>;
  /**
   * Capabilities with a spec but no decision yet: when their spec was first
   * seen (their review clock starts there) and the latest risk profile.
   */
  undecidedSpecs(): Promise<
    Array<{
      entityRef: string;
      firstSeenAt: string;
      document?: Record<string, unknown>;
      /** The next review it was registered with (`handoff.dev/next-review`). */
      registeredNextReview?: string;
    }>
  >;
  /** Capabilities waiting past the turnaround their policy promises. */
  slaBreaches(
    now: Date,
  ): Promise<Array<{ entityRef: string; dueAt: Date; kind: SlaKind }>>;
  /**
   * Which of these review periods were reminded already (delivered), as
   * `entityRef@dueAt-in-ms` keys: a sweep skips them without a write.
   */
  deliveredReminders(
    reviews: Array<{ entityRef: string; dueAt: Date }>,
  ): Promise<Set<string>>;
  /**
   * Claims the reminder for one review period under `claimId`, with a lease
   * until `now + leaseMs`; false when it was delivered already or another
   * claim's lease still runs.
   */
  claimReminder(
    entityRef: string,
    dueAt: Date,
    claim: { claimId: string; now: Date; leaseMs: number },
  ): Promise<boolean>;
  /** Marks a claimed reminder delivered. */
  reminderSent(entityRef: string, dueAt: Date, claimId: string): Promise<void>;
  /** Gives a claim back after a failed send, so the next sweep retries it. */
  releaseReminder(
    entityRef: string,
    dueAt: Date,
    claimId: string,
  ): Promise<void>;
}

/** Persistence of the Handoff backend, one interface per concern. */
export interface HandoffStore
  extends WorkflowStore,
    SpecStore,
    ReminderStore,
    WorkStore,
    ExceptionStore,
    CredentialStore {}

/** A spec as read from its file, before it is stored. */
export type SpecRead = {
  entityRef: string;
  content: string;
  contentHash: string;
  document?: Record<string, unknown>;
  valid: boolean;
  errors: SpecError[];
  sourceLocation: string;
  entityState: SpecVersion['entityState'];
  /** Who or what read it: a user's ref for a refresh, the plugin for the scheduled pass. */
  readBy?: string;
};

/** The latest attempt to read an entity's spec. */
export type SpecReadStatus = {
  entityRef: string;
  sourceLocation?: string;
  readError?: string;
  readAt: string;
  /** What identified the version read: a url's ETag, a file's size, time and inode. */
  etag?: string;
  fileStamp?: string;
  /** The catalog entity's etag when it was read. */
  entityEtag?: string;
};

/** Persistence of handoff specs: every distinct version, and the latest read. */
export interface SpecStore {
  /**
   * Stores the spec unless its content equals the latest version's, in which case
   * only that version's last-seen time moves. Resolves to the latest version.
   */
  recordSpec(
    read: SpecRead,
    now?: Date,
  ): Promise<{ version: SpecVersion; created: boolean }>;
  recordReadStatus(status: SpecReadStatus): Promise<void>;
  getReadStatus(entityRef: string): Promise<SpecReadStatus | undefined>;
  /** The latest read of many entities at once (one query). */
  getReadStatuses(entityRefs: string[]): Promise<Map<string, SpecReadStatus>>;
  latestSpec(entityRef: string): Promise<SpecVersion | undefined>;
  /** The latest version's number, validity and typed spec, without its text when cached. */
  latestSpecFacts(entityRef: string): Promise<
    | {
        version: number;
        valid: boolean;
        spec?: HandoffSpec;
        risk?: RiskProfile;
      }
    | undefined
  >;
  listSpecVersions(entityRef: string): Promise<SpecVersionSummary[]>;
  getSpecVersion(
    entityRef: string,
    version: number,
  ): Promise<SpecVersion | undefined>;
  /**
   * Where an unfinished full pass stopped, if one did: the page (no cursor
   * for the first) and the refs of that page already read.
   */
  passProgress(
    pass: string,
  ): Promise<
    { cursor?: string; done: string[]; startedAt: string } | undefined
  >;
  /** Saves where a pass got to; without progress, the pass is finished. */
  savePassProgress(
    pass: string,
    progress?: { cursor?: string; done?: string[]; startedAt: Date },
  ): Promise<void>;
}
