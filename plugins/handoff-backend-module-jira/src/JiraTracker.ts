import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  HandoffTracker,
  TrackerError,
  TrackerTicket,
  TrackerTicketState,
  TrackerWebhook,
} from '@handoff/backstage-plugin-handoff-node';
import { createHash, createHmac, timingSafeEqual } from 'crypto';
import { Version2Client, Version3Client } from 'jira.js';

/**
 * The annotation naming an entity's (or a group's) Jira project, as
 * Backstage's Jira plugins read it.
 *
 * @public
 */
export const JIRA_PROJECT_KEY = 'jira/project-key';

const MAX_SUMMARY = 255;
/** Jira keeps at most 32,767 characters of a description. */
const MAX_TEXT = 30_000;
const CALL_TIMEOUT_MS = 20_000;
const PROJECT = /^[A-Z][A-Z0-9_]{0,49}$/;
const ISSUE = /^[A-Z][A-Z0-9_]{0,49}-\d{1,10}$/;

/**
 * The label that finds an item's issue again (Jira labels take no spaces).
 *
 * @public
 */
export function jiraKeyLabel(key: string): string {
  return `handoff-${createHash('sha256')
    .update(key)
    .digest('hex')
    .slice(0, 12)}`;
}

/**
 * Jira's own authentication: Cloud's email and API token, or a Data Center
 * personal access token.
 *
 * @public
 */
export type JiraAuth =
  | { email: string; apiToken: string }
  | { personalAccessToken: string };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const capped = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** One line of plain text, at most Jira's 255 characters. */
function plainSummary(title: string): string {
  return capped(
    title
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .trim(),
    MAX_SUMMARY,
  );
}

/** Jira Cloud's description: text nodes only, which no markup can escape. */
function adfDocument(lines: string[]) {
  return {
    type: 'doc' as const,
    version: 1 as const,
    content: lines.map(line => ({
      type: 'paragraph',
      content: line ? [{ type: 'text', text: line }] : [],
    })),
  };
}

/** Data Center's wiki markup: people's text inside {noformat}, which renders it as written. */
function wikiText(text: string, footer: string[]): string {
  const literal = text.replace(/\{noformat\}/gi, '{ noformat}');
  return `{noformat}\n${literal}\n{noformat}\n${footer.join('\n')}`;
}

type IssueStatus = {
  category?: string;
  name?: string;
  resolution?: string;
  assignee?: string;
};

/** The calls Handoff makes, on either API version, typed by jira.js. */
type JiraCalls = {
  search(jql: string): Promise<Array<{ key?: string; description?: unknown }>>;
  create(fields: Record<string, unknown>): Promise<string>;
  edit(issue: string, fields: Record<string, unknown>): Promise<void>;
  status(issue: string): Promise<IssueStatus>;
  transitions(issue: string): Promise<
    Array<{
      id?: string;
      name?: string;
      to?: { name?: string; statusCategory?: { key?: string } };
    }>
  >;
  transition(issue: string, id: string): Promise<void>;
};

const STATUS_FIELDS = ['status', 'resolution', 'assignee'];

function statusOf(fields: any): IssueStatus {
  return {
    category: fields?.status?.statusCategory?.key,
    name: fields?.status?.name,
    resolution: fields?.resolution?.name,
    assignee: fields?.assignee?.displayName,
  };
}

/**
 * The calls on a client of either API version. Their issue methods have the
 * same names and parameters (the client puts its version in the path);
 * only the search differs: Cloud's enhanced search, Data Center's classic one.
 */
function callsOf(
  issues: Version3Client['issues'],
  search: (
    jql: string,
  ) => Promise<
    Array<{ key?: string; fields?: { description?: unknown } }> | undefined
  >,
): JiraCalls {
  return {
    search: async jql =>
      ((await search(jql)) ?? []).map(i => ({
        key: i.key,
        description: i.fields?.description,
      })),
    create: async fields => (await issues.createIssue({ fields } as any)).key,
    edit: async (issue, fields) => {
      await issues.editIssue({ issueIdOrKey: issue, fields } as any);
    },
    status: async issue =>
      statusOf(
        (await issues.getIssue({ issueIdOrKey: issue, fields: STATUS_FIELDS }))
          .fields,
      ),
    transitions: async issue =>
      (await issues.getTransitions({ issueIdOrKey: issue })).transitions ?? [],
    transition: async (issue, id) => {
      await issues.doTransition({ issueIdOrKey: issue, transition: { id } });
    },
  };
}

/** Jira Cloud: REST API 3 (descriptions in Atlassian Document Format). */
function cloudCalls(jira: Version3Client): JiraCalls {
  return callsOf(
    jira.issues,
    async jql =>
      (
        await jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
          jql,
          fields: ['description'],
          maxResults: 50,
        })
      ).issues,
  );
}

/** Jira Data Center: REST API 2 (descriptions in wiki markup). */
function dataCenterCalls(jira: Version2Client): JiraCalls {
  return callsOf(
    jira.issues as unknown as Version3Client['issues'],
    async jql =>
      (
        await jira.issueSearch.searchForIssuesUsingJql({
          jql,
          fields: ['description'],
          maxResults: 50,
        })
      ).issues,
  );
}

/**
 * Handoff's work items as Jira issues, on Jira Cloud (REST API 3) or Data
 * Center (REST API 2), through jira.js. Each issue carries a label made
 * from its item's key and the key in its description; before it creates
 * one, the tracker searches for the label, so a retry, a crash after the
 * issue was created or a second replica files nothing twice. Nobody is
 * assigned in Jira (a Backstage owner ref is not a Jira account); the
 * assignee and watchers are named in the description. Status moves through
 * the workflow's own transitions.
 *
 * @public
 */
export class JiraTracker implements HandoffTracker {
  readonly id = 'jira';
  readonly webhook?: TrackerWebhook;

  constructor(
    private readonly options: {
      /** The site, e.g. https://acme.atlassian.net or https://jira.acme.com. */
      baseUrl: string;
      /** cloud (REST API 3) or datacenter (REST API 2). */
      deployment: 'cloud' | 'datacenter';
      auth: JiraAuth;
      /** For capabilities whose entity and owning group name no project. */
      project?: string;
      /** The issue type to create; Task by default. */
      issueType?: string;
      labels?: string[];
      /**
       * The secret of a Jira webhook ("Issue updated" events) sent to
       * `/api/handoff/webhooks/jira`; without it there is no webhook.
       */
      webhookSecret?: string;
      ownerOf: (entity: Entity) => Promise<Entity | undefined>;
    },
  ) {
    if (options.webhookSecret) {
      this.webhook = jiraWebhook(options.webhookSecret);
    }
  }

  private client(): JiraCalls {
    const { auth, baseUrl } = this.options;
    const baseRequestConfig = {
      timeout: CALL_TIMEOUT_MS,
      ...('personalAccessToken' in auth && {
        headers: { Authorization: `Bearer ${auth.personalAccessToken}` },
      }),
    };
    const config = {
      host: baseUrl,
      baseRequestConfig,
      ...('email' in auth && {
        authentication: {
          basic: { email: auth.email, apiToken: auth.apiToken },
        },
      }),
    };
    return this.options.deployment === 'cloud'
      ? cloudCalls(new Version3Client(config))
      : dataCenterCalls(new Version2Client(config));
  }

  private async projectOf(entity: Entity): Promise<string> {
    const ref = stringifyEntityRef(entity);
    let project = entity.metadata.annotations?.[JIRA_PROJECT_KEY];
    if (!project) {
      const owner = await this.options.ownerOf(entity);
      project = owner?.metadata.annotations?.[JIRA_PROJECT_KEY];
    }
    project = project ?? this.options.project;
    if (!project) {
      throw new TrackerError(
        `No Jira project for ${ref}: add the ${JIRA_PROJECT_KEY} annotation to it or to its owning group, or set handoff.jira.project`,
        { permanent: true },
      );
    }
    if (!PROJECT.test(project)) {
      throw new TrackerError(
        `The Jira project of ${ref} must be a project key like PAY, not "${project.slice(
          0,
          60,
        )}"`,
        { permanent: true },
      );
    }
    return project;
  }

  private description(ticket: TrackerTicket) {
    const title = ticket.entity.metadata.title ?? ticket.entity.metadata.name;
    const text = capped(ticket.body.replace(CONTROL, ''), MAX_TEXT);
    const footer = [
      `Capability: ${capped(title, 200)} ${ticket.link}`,
      `Assignee: ${ticket.assignee ?? 'nobody yet'}`,
      ...(ticket.watchers.length
        ? [`Watchers: ${ticket.watchers.join(', ')}`]
        : []),
      ...(ticket.dueAt ? [`Due: ${ticket.dueAt.slice(0, 10)}`] : []),
      `Filed by Handoff; its status here and on the capability's Work card follow each other. Handoff key: ${ticket.key}`,
    ];
    return this.options.deployment === 'cloud'
      ? adfDocument([...text.split('\n'), '', ...footer])
      : wikiText(text, footer);
  }

  /** The issue that carries the key's label and the key, if one does. */
  private async find(
    jira: JiraCalls,
    project: string,
    key: string,
  ): Promise<string | undefined> {
    const issues = await jira.search(
      `project = "${project}" AND labels = "${jiraKeyLabel(
        key,
      )}" ORDER BY created ASC`,
    );
    return issues.find(i => JSON.stringify(i.description ?? '').includes(key))
      ?.key;
  }

  /** Moves the issue to a done status, or back to an open one, through its workflow. */
  private async moveTo(jira: JiraCalls, issue: string, status: string) {
    const wantDone = status === 'done' || status === 'wont-do';
    const isDone = (await jira.status(issue)).category === 'done';
    if (wantDone === isDone) return;
    const transitions = await jira.transitions(issue);
    const candidates = transitions.filter(t =>
      wantDone
        ? t.to?.statusCategory?.key === 'done'
        : t.to?.statusCategory?.key !== 'done',
    );
    const declining = (t: (typeof candidates)[number]) =>
      /won'?t|declin|not planned|cancel/i.test(`${t.name} ${t.to?.name}`);
    let preferred: (typeof candidates)[number] | undefined;
    if (wantDone) {
      preferred = candidates.find(t =>
        status === 'wont-do' ? declining(t) : !declining(t),
      );
    } else {
      const category = status === 'in-progress' ? 'indeterminate' : 'new';
      preferred = candidates.find(t => t.to?.statusCategory?.key === category);
    }
    preferred = preferred ?? candidates[0];
    if (!preferred?.id) {
      throw new TrackerError(
        `${issue} has no transition to ${
          wantDone ? 'a done' : 'an open'
        } status in its Jira workflow`,
        { permanent: true },
      );
    }
    await jira.transition(issue, preferred.id);
  }

  async deliver(ticket: TrackerTicket): Promise<{ id: string; url: string }> {
    const filed =
      ticket.filed && ISSUE.test(ticket.filed.id) ? ticket.filed.id : undefined;
    const project = filed
      ? filed.replace(/-\d+$/, '')
      : await this.projectOf(ticket.entity);
    return this.call(project, async () => {
      const jira = this.client();
      const summary = plainSummary(ticket.title);
      const description = this.description(ticket);
      let issue = filed ?? (await this.find(jira, project, ticket.key));
      if (issue) {
        await jira.edit(issue, { summary, description });
      } else {
        issue = await jira.create({
          project: { key: project },
          issuetype: { name: this.options.issueType ?? 'Task' },
          summary,
          description,
          labels: [
            ...(this.options.labels ?? ['handoff']),
            jiraKeyLabel(ticket.key),
          ],
        });
      }
      await this.moveTo(jira, issue, ticket.status);
      return {
        id: issue,
        url: `${this.options.baseUrl.replace(/\/$/, '')}/browse/${issue}`,
      };
    });
  }

  async read(ticket: {
    id: string;
    url: string;
    entity: Entity;
  }): Promise<TrackerTicketState> {
    if (!ISSUE.test(ticket.id)) {
      throw new TrackerError(`${ticket.id} is not a Jira issue key`, {
        permanent: true,
      });
    }
    return this.call(ticket.id.replace(/-\d+$/, ''), async () => {
      const {
        category,
        name,
        resolution: resolved,
        assignee,
      } = await this.client().status(ticket.id);
      if (category !== 'done') {
        return {
          status: category === 'indeterminate' ? 'in-progress' : 'open',
          resolution: name,
          assignee,
        };
      }
      const resolution = resolved ?? name ?? 'Done';
      const wontDo =
        /won'?t|declin|not planned|duplicate|cannot reproduce|obsolete|cancel/i.test(
          resolution,
        );
      return {
        status: wontDo ? 'wont-do' : 'done',
        resolution,
        assignee,
      };
    });
  }

  /** Runs calls to Jira, turning its refusals into plain reasons. */
  private async call<T>(project: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof TrackerError) throw error;
      const e = error as {
        status?: number;
        response?: unknown;
        cause?: {
          response?: {
            status?: number;
            headers?: Record<string, any>;
            data?: unknown;
          };
        };
      };
      const status = e.status ?? e.cause?.response?.status;
      const headers = e.cause?.response?.headers ?? {};
      const where = `${project} on ${new URL(this.options.baseUrl).host}`;
      if (status === 429) {
        const retryAfter = Number(headers['retry-after']);
        throw new TrackerError(
          `Jira's rate limit for ${where} is spent; Handoff tries again when it allows`,
          {
            retryAfterMs:
              Number.isFinite(retryAfter) && retryAfter > 0
                ? retryAfter * 1000
                : 60_000,
          },
        );
      }
      const said =
        jiraMessage(e.cause?.response?.data) ?? jiraMessage(e.response);
      const permanent: Record<number, string> = {
        400: `Jira refused the issue in ${where} (400)${
          said ? `: ${said}` : ''
        }`,
        401: `Jira refused Handoff's credentials for ${where} (401): check handoff.jira.auth`,
        403: `Handoff's Jira credentials may not create or change issues in ${where} (403)`,
        404: `No Jira project or issue ${where}, or Handoff's credentials cannot see it (404)`,
      };
      if (status && permanent[status]) {
        throw new TrackerError(permanent[status], { permanent: true });
      }
      throw new TrackerError(
        status
          ? `Jira answered ${status} for ${where}; Handoff tries again`
          : `Jira (${
              new URL(this.options.baseUrl).host
            }) did not answer; Handoff tries again`,
      );
    }
  }
}

/** Where an issue stands, in Handoff's terms. */
function ticketState({
  category,
  name,
  resolution: resolved,
  assignee,
}: IssueStatus): TrackerTicketState {
  if (category !== 'done') {
    return {
      status: category === 'indeterminate' ? 'in-progress' : 'open',
      resolution: name,
      assignee,
    };
  }
  const resolution = resolved ?? name ?? 'Done';
  const wontDo =
    /won'?t|declin|not planned|duplicate|cannot reproduce|obsolete|cancel/i.test(
      resolution,
    );
  return { status: wontDo ? 'wont-do' : 'done', resolution, assignee };
}

/**
 * Jira's webhooks with a secret (Cloud and Data Center): HMAC-SHA256 of the
 * raw body in `X-Hub-Signature`. An issue updated in Jira reaches its work
 * item at once.
 */
function jiraWebhook(secret: string): TrackerWebhook {
  return {
    verify(headers, body) {
      const raw = headers['x-hub-signature'];
      const signature = (Array.isArray(raw) ? raw[0] : raw) ?? '';
      const expected = `sha256=${createHmac('sha256', secret)
        .update(body)
        .digest('hex')}`;
      return (
        signature.length === expected.length &&
        timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
      );
    },
    parse(event) {
      const e = event as {
        webhookEvent?: string;
        issue?: { key?: string; fields?: unknown };
      };
      if (e.webhookEvent !== 'jira:issue_updated') return undefined;
      const key = e.issue?.key;
      if (!key || !ISSUE.test(key)) return undefined;
      return { ticketId: key, state: ticketState(statusOf(e.issue?.fields)) };
    },
  };
}

/** Jira's own words for a refusal: `errorMessages` and field `errors`. */
function jiraMessage(response: unknown): string | undefined {
  if (!response || typeof response !== 'object') return undefined;
  const body = response as {
    errorMessages?: unknown;
    errors?: Record<string, unknown>;
  };
  const messages = [
    ...(Array.isArray(body.errorMessages) ? body.errorMessages : []),
    ...Object.entries(body.errors ?? {}).map(([k, v]) => `${k}: ${v}`),
  ]
    .filter(m => typeof m === 'string')
    .join('; ');
  return messages ? capped(messages, 300) : undefined;
}
