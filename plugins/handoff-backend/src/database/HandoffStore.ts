import {
  SpecError,
  SpecVersion,
  SpecVersionSummary,
  Stage,
} from '@handoff/backstage-plugin-handoff-common';

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
  createdAt: string;
};

/** What a caller hands to {@link HandoffStore.appendDecision}. */
export type NewDecision = Omit<DecisionRecord, 'sequence' | 'createdAt'> & {
  /** The sequence the caller saw as latest (0 for none); a stale value is refused. */
  expectedSequence: number;
};

/** Persistence of the Handoff backend. */
export interface HandoffStore extends SpecStore {
  latestDecision(entityRef: string): Promise<DecisionRecord | undefined>;
  latestDecisions(entityRefs: string[]): Promise<Map<string, DecisionRecord>>;
  listDecisions(entityRef: string): Promise<DecisionRecord[]>;
  /** Appends a decision; resolves false, writing nothing, when `expectedSequence` is stale. */
  appendDecision(decision: NewDecision): Promise<DecisionRecord | false>;
}

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
};

/** The latest attempt to read an entity's spec. */
export type SpecReadStatus = {
  entityRef: string;
  sourceLocation?: string;
  readError?: string;
  readAt: string;
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
  latestSpec(entityRef: string): Promise<SpecVersion | undefined>;
  listSpecVersions(entityRef: string): Promise<SpecVersionSummary[]>;
  getSpecVersion(
    entityRef: string,
    version: number,
  ): Promise<SpecVersion | undefined>;
}
