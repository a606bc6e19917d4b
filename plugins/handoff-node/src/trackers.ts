import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import type {
  WorkItemSource,
  WorkItemStatus,
} from '@handoff/backstage-plugin-handoff-common';

/**
 * A work item as Handoff hands it to a tracker to file, or to update the
 * ticket filed for it before.
 *
 * @public
 */
export type TrackerTicket = {
  /**
   * The work item's stable key. A tracker writes it onto the ticket (a
   * label, a property, a marker) and looks it up before it creates one: a
   * retry, a crash or a second replica then never files twice.
   */
  key: string;
  /** The capability the work belongs to, as the catalog has it. */
  entity: Entity;
  source: WorkItemSource;
  /** Plain text, as written by people: the tracker escapes it for its markup. */
  title: string;
  /** Plain text, as written by people: the tracker escapes it for its markup. */
  body: string;
  /** The owner ref the work is assigned to (RACI responsible, else the owner). */
  assignee?: string;
  /** Consulted and informed owner refs. */
  watchers: string[];
  dueAt?: string;
  status: WorkItemStatus;
  /** The capability's Handoff tab in the portal. */
  link: string;
  /** The ticket filed for this item before, if any. */
  filed?: { id: string; url: string };
};

/**
 * What a tracker says about a ticket it filed.
 *
 * @public
 */
export type TrackerTicketState = {
  /** done or wont-do when the ticket is closed; open or in-progress otherwise. */
  status: WorkItemStatus;
  /** The tracker's own word for it, e.g. "closed as completed" or "Done". */
  resolution?: string;
  /** Who the tracker has it assigned to, in its own terms. */
  assignee?: string;
};

/**
 * An engineering tracker Handoff files work items in (GitHub Issues, Jira).
 *
 * @public
 */
export interface HandoffTracker {
  /** A short id, e.g. github or jira, shown with each ticket. */
  readonly id: string;
  /**
   * Files the ticket, or updates the one that carries its key (found by the
   * key, never assumed absent): idempotent under retries.
   */
  deliver(ticket: TrackerTicket): Promise<{ id: string; url: string }>;
  /** Reads a filed ticket's status back. */
  read(ticket: {
    id: string;
    url: string;
    entity: Entity;
  }): Promise<TrackerTicketState>;
  /**
   * Events the tracker pushes (a webhook to `POST /api/handoff/webhooks/<id>`),
   * when it offers them and they are configured.
   */
  readonly webhook?: TrackerWebhook;
}

/**
 * A tracker's webhook: Handoff hands it each request's headers and raw body.
 *
 * @public
 */
export interface TrackerWebhook {
  /** Whether the request comes from the tracker: its signature over the raw body. */
  verify(
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
  ): boolean;
  /**
   * The ticket a verified event is about and where it stands now; undefined
   * for an event Handoff has no use for.
   */
  parse(
    event: unknown,
    headers: Record<string, string | string[] | undefined>,
  ): { ticketId: string; state: TrackerTicketState } | undefined;
}

/**
 * A tracker's refusal, in plain words that may be shown to people: it never
 * carries a credential. `retryAfterMs` when the tracker said when to come
 * back (a rate limit); `permanent` when retrying soon cannot help (no such
 * project, no credentials, a repository gone) and the next try waits long.
 *
 * @public
 */
export class TrackerError extends Error {
  readonly retryAfterMs?: number;
  readonly permanent: boolean;

  constructor(
    message: string,
    options: { retryAfterMs?: number; permanent?: boolean } = {},
  ) {
    super(message);
    this.name = 'TrackerError';
    this.retryAfterMs = options.retryAfterMs;
    this.permanent = options.permanent ?? false;
  }
}

/**
 * Where a tracker module installs itself. One tracker per backend.
 *
 * @public
 */
export interface HandoffTrackerExtensionPoint {
  setTracker(tracker: HandoffTracker): void;
}

/**
 * The Handoff backend's extension point for an engineering tracker.
 *
 * @public
 */
export const handoffTrackerExtensionPoint =
  createExtensionPoint<HandoffTrackerExtensionPoint>({
    id: 'handoff.tracker',
  });

/**
 * Text people wrote, made safe for a tracker that renders Markdown (GitHub):
 * no HTML, no mentions of people or teams, no references that ping other
 * issues, no Markdown links or images, and at most `max` characters.
 *
 * @public
 */
export function inertMarkdown(text: string, max: number): string {
  const escaped = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // A zero-width joiner after an at sign or a hash keeps the text and drops the ping.
    .replace(/@(?=\w)/g, '@\u200d')
    .replace(/#(?=\d)/g, '#\u200d')
    .replace(/([\\`*_[\]()!|~])/g, '\\$1');
  return escaped.length > max
    ? `${escaped.slice(0, max - 1).replace(/\\$/, '')}…`
    : escaped;
}
