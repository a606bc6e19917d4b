import { Stage } from '@handoff/backstage-plugin-handoff-common';

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
export interface HandoffStore {
  latestDecision(entityRef: string): Promise<DecisionRecord | undefined>;
  latestDecisions(entityRefs: string[]): Promise<Map<string, DecisionRecord>>;
  listDecisions(entityRef: string): Promise<DecisionRecord[]>;
  /** Appends a decision; resolves false, writing nothing, when `expectedSequence` is stale. */
  appendDecision(decision: NewDecision): Promise<DecisionRecord | false>;
}
