import { z } from 'zod';

/**
 * Where a work item comes from:
 * - `take-over`: a hand-off's "take over" item for the receiving owner;
 * - `delivery`: an entry of the spec's `deliveryWork`, at hand-off;
 * - `harden`: a requirement the hand-off gate still lacked when hardening was decided;
 * - `next-change`: a review's "next change", for the next cycle;
 * - `breach`: a failing drift or schema check, until it passes.
 *
 * @public
 */
export type WorkItemSource =
  | 'take-over'
  | 'delivery'
  | 'harden'
  | 'next-change'
  | 'breach';

/** @public */
export const WORK_ITEM_STATUSES = [
  'open',
  'in-progress',
  'done',
  'wont-do',
] as const;

/** @public */
export type WorkItemStatus = (typeof WORK_ITEM_STATUSES)[number];

/**
 * What each status is called on the card and in the packet.
 *
 * @public
 */
export const WORK_ITEM_STATUS_TITLES: Record<WorkItemStatus, string> = {
  open: 'Open',
  'in-progress': 'In progress',
  done: 'Done',
  'wont-do': "Won't do",
};

/** Whether a status ends the work. @public */
export const isClosedWorkStatus = (status: WorkItemStatus) =>
  status === 'done' || status === 'wont-do';

/**
 * The ticket a work item was filed as in the engineering tracker, and where
 * its delivery stands.
 *
 * @public
 */
export type WorkItemTicket = {
  /** The tracker's id, e.g. github or jira. */
  tracker: string;
  /** The ticket's web address, once filed. */
  url?: string;
  /** e.g. octo/payments#12 or PAY-12. */
  id?: string;
  /** pending: a change waits to reach the tracker; failed: the last try did not. */
  state: 'pending' | 'delivered' | 'failed';
  /** Why the last try failed, in plain words (never a credential). */
  error?: string;
  attempts: number;
  /** The next try, for a pending or failed delivery. */
  nextAttemptAt?: string;
  /** Who the tracker has it assigned to, as the tracker names them, when last read. */
  assignee?: string;
};

/**
 * Work a decision implies, owned by Handoff and filed in the team's tracker.
 *
 * @public
 */
export type WorkItem = {
  id: number;
  /** Stable: entity ref, decision (or check) and source; the tracker is searched by it. */
  key: string;
  entityRef: string;
  source: WorkItemSource;
  /** The decision that created it (none for a breach). */
  decisionSequence?: number;
  /** What caused it: the policy rule, the check's name or the spec paths. */
  cause?: string;
  /** The spec paths it concerns. */
  specPaths: string[];
  title: string;
  body: string;
  /** The owner ref it is assigned to: RACI responsible, else the owning group. */
  assignee?: string;
  /** Consulted and informed. */
  watchers: string[];
  dueAt?: string;
  specVersion?: number;
  status: WorkItemStatus;
  statusBy: string;
  statusAt: string;
  /** Why the status changed, when someone said. */
  statusNote?: string;
  /** Bumped by every change; a status change names the revision it saw. */
  revision: number;
  createdAt: string;
  ticket?: WorkItemTicket;
};

/**
 * A change of a work item's status by a person.
 *
 * @public
 */
export const workItemUpdateSchema = z.strictObject({
  status: z.enum(WORK_ITEM_STATUSES, {
    message: `must be one of ${WORK_ITEM_STATUSES.join(', ')}`,
  }),
  /** The revision the caller saw; a stale one is refused (409). */
  expectedRevision: z.number().int().positive(),
  note: z.string().max(2000, 'must be at most 2000 characters').optional(),
});

/** @public */
export type WorkItemUpdate = z.infer<typeof workItemUpdateSchema>;

/**
 * How a capability's work stands: items, items closed, open items past due.
 *
 * @public
 */
export function countWork(
  items: Pick<WorkItem, 'status' | 'dueAt'>[],
  now: Date = new Date(),
): { total: number; closed: number; pastDue: number } {
  return {
    total: items.length,
    closed: items.filter(i => isClosedWorkStatus(i.status)).length,
    pastDue: items.filter(
      i =>
        !isClosedWorkStatus(i.status) &&
        i.dueAt !== undefined &&
        Date.parse(i.dueAt) < now.getTime(),
    ).length,
  };
}

/**
 * One line for a capability's work: "3 of 5 work items done (1 past due)".
 *
 * @public
 */
export function summarizeWork(work: {
  total: number;
  closed: number;
  pastDue: number;
}): string {
  if (work.total === 0) return 'No work items';
  return `${work.closed} of ${work.total} work item${
    work.total === 1 ? '' : 's'
  } done${work.pastDue ? ` (${work.pastDue} past due)` : ''}`;
}

/**
 * `GET /work/:kind/:namespace/:name`: a capability's work items, oldest
 * first, and their one-line summary.
 *
 * @public
 */
export type WorkItemListResponse = {
  items: WorkItem[];
  summary: string;
  /** The tracker work is filed in (github, jira), when one is set up. */
  tracker?: string;
};
