import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import {
  HandoffTracker,
  TrackerError,
  TrackerTicket,
  TrackerTicketState,
  TrackerWebhook,
  inertMarkdown,
} from '@handoff/backstage-plugin-handoff-node';
import { createHash, createHmac, timingSafeEqual } from 'crypto';
import { Octokit } from 'octokit';

/**
 * The annotation naming an entity's (or a group's) repository, owner/name.
 *
 * @public
 */
export const GITHUB_PROJECT_SLUG = 'github.com/project-slug';

/** GitHub's limits: a title of 256 characters, a body of 65,536. */
const MAX_TITLE = 256;
const MAX_TEXT = 60_000;
/** How long one call to GitHub may take. */
const CALL_TIMEOUT_MS = 20_000;

const SLUG = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;
const FILED_ID =
  /^([A-Za-z0-9_.-]{1,100})\/([A-Za-z0-9_.-]{1,100})#(\d{1,10})$/;

type Repository = { owner: string; repo: string };

/**
 * The label that finds an item's issue again: short (GitHub allows 50
 * characters), the same for every retry and every replica.
 *
 * @public
 */
export function keyLabel(key: string): string {
  return `handoff:${createHash('sha256')
    .update(key)
    .digest('hex')
    .slice(0, 12)}`;
}

/** The marker in the body that confirms a labelled issue is the item's. */
const keyMarker = (key: string) =>
  `<!-- handoff-key: ${encodeURIComponent(key)} -->`;

/** A title as plain text: one line, no control characters, at most 256 characters. */
function plainTitle(title: string): string {
  const line = title
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return line.length > MAX_TITLE ? `${line.slice(0, MAX_TITLE - 1)}…` : line;
}

const code = (ref: string) => `\`${ref.replace(/`/g, '')}\``;

/**
 * Handoff's work items as GitHub issues. Each issue carries its item's key
 * as a label and a marker; before it creates one, the tracker looks the
 * label up, so a retry, a crash after the issue was created or a second
 * replica never files twice. Text people wrote goes in inert (no HTML, no
 * mentions, no references, no links of theirs); nobody is assigned on
 * GitHub (Backstage owner refs are not GitHub logins), the assignee and
 * watchers are named in the body.
 *
 * @public
 */
export class GithubTracker implements HandoffTracker {
  readonly id = 'github';
  readonly webhook?: TrackerWebhook;
  private readonly credentials: GithubCredentialsProvider;

  constructor(
    private readonly options: {
      integrations: ScmIntegrationRegistry;
      credentials?: GithubCredentialsProvider;
      /** The integration's host; github.com by default. */
      host?: string;
      /** For capabilities whose entity and owning group name no repository. */
      repository?: string;
      labels?: string[];
      /**
       * The secret of a GitHub webhook sending "issues" events to
       * `/api/handoff/webhooks/github`; without it there is no webhook.
       */
      webhookSecret?: string;
      /** The entity's owning group, for its repository annotation. */
      ownerOf: (entity: Entity) => Promise<Entity | undefined>;
    },
  ) {
    this.credentials =
      options.credentials ??
      DefaultGithubCredentialsProvider.fromIntegrations(options.integrations);
    if (options.webhookSecret) {
      this.webhook = githubWebhook(options.webhookSecret);
    }
  }

  private get host() {
    return this.options.host ?? 'github.com';
  }

  /** The entity's repository, else its owning group's, else the configured one. */
  private async repositoryOf(entity: Entity): Promise<Repository> {
    const ref = stringifyEntityRef(entity);
    let slug = entity.metadata.annotations?.[GITHUB_PROJECT_SLUG];
    if (!slug) {
      const owner = await this.options.ownerOf(entity);
      slug = owner?.metadata.annotations?.[GITHUB_PROJECT_SLUG];
    }
    slug = slug ?? this.options.repository;
    if (!slug) {
      throw new TrackerError(
        `No GitHub repository for ${ref}: add the ${GITHUB_PROJECT_SLUG} annotation to it or to its owning group, or set handoff.github.repository`,
        { permanent: true },
      );
    }
    if (!SLUG.test(slug)) {
      throw new TrackerError(
        `The GitHub repository of ${ref} must be written owner/name, not "${slug.slice(
          0,
          100,
        )}"`,
        { permanent: true },
      );
    }
    const [owner, repo] = slug.split('/');
    return { owner, repo };
  }

  private async client({ owner, repo }: Repository): Promise<Octokit> {
    const integration = this.options.integrations.github.byHost(this.host);
    if (!integration) {
      throw new TrackerError(
        `No GitHub integration for ${this.host}: add it under integrations.github`,
        { permanent: true },
      );
    }
    const { token } = await this.credentials.getCredentials({
      url: `https://${this.host}/${owner}/${repo}`,
    });
    if (!token) {
      throw new TrackerError(
        `No GitHub credentials for ${owner}/${repo} on ${this.host}: add a token or a GitHub App under integrations.github`,
        { permanent: true },
      );
    }
    return new Octokit({
      auth: token,
      baseUrl: integration.config.apiBaseUrl,
      // Retries and rate limits are the delivery worker's: it waits as long
      // as GitHub asks, without holding a run.
      throttle: { enabled: false },
      retry: { enabled: false },
      request: { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) },
    });
  }

  private bodyOf(ticket: TrackerTicket): string {
    const title = ticket.entity.metadata.title ?? ticket.entity.metadata.name;
    return [
      inertMarkdown(ticket.body, MAX_TEXT),
      '',
      '---',
      `**Capability:** [${inertMarkdown(title, 200)}](${ticket.link})`,
      `**Assignee:** ${ticket.assignee ? code(ticket.assignee) : 'nobody yet'}`,
      ...(ticket.watchers.length
        ? [`**Watchers:** ${ticket.watchers.map(code).join(', ')}`]
        : []),
      ...(ticket.dueAt ? [`**Due:** ${ticket.dueAt.slice(0, 10)}`] : []),
      '',
      'Filed by Handoff. Its status here and on the capability’s Work card follow each other.',
      keyMarker(ticket.key),
    ].join('\n');
  }

  /** The issue that carries the key, if one does (found by label, confirmed by marker). */
  private async find(
    gh: Octokit,
    { owner, repo }: Repository,
    key: string,
  ): Promise<number | undefined> {
    const issues = await gh.paginate(gh.rest.issues.listForRepo, {
      owner,
      repo,
      labels: keyLabel(key),
      state: 'all',
      per_page: 100,
    });
    const marker = keyMarker(key);
    return issues.find(i => !i.pull_request && i.body?.includes(marker))
      ?.number;
  }

  async deliver(ticket: TrackerTicket): Promise<{ id: string; url: string }> {
    const filed = ticket.filed && FILED_ID.exec(ticket.filed.id);
    const repository = filed
      ? { owner: filed[1], repo: filed[2] }
      : await this.repositoryOf(ticket.entity);
    return this.call(repository, async () => {
      const gh = await this.client(repository);
      const closed = ticket.status === 'done' || ticket.status === 'wont-do';
      const fields = {
        ...repository,
        title: plainTitle(ticket.title),
        body: this.bodyOf(ticket),
        state: closed ? ('closed' as const) : ('open' as const),
        ...(closed && {
          state_reason:
            ticket.status === 'done'
              ? ('completed' as const)
              : ('not_planned' as const),
        }),
      };
      const number = filed
        ? Number(filed[3])
        : await this.find(gh, repository, ticket.key);
      if (number !== undefined) {
        const { data } = await gh.rest.issues.update({
          ...fields,
          issue_number: number,
        });
        return {
          id: `${repository.owner}/${repository.repo}#${data.number}`,
          url: data.html_url,
        };
      }
      const { data: created } = await gh.rest.issues.create({
        ...repository,
        title: fields.title,
        body: fields.body,
        labels: [...(this.options.labels ?? ['handoff']), keyLabel(ticket.key)],
      });
      if (closed) {
        await gh.rest.issues.update({
          ...fields,
          issue_number: created.number,
        });
      }
      return {
        id: `${repository.owner}/${repository.repo}#${created.number}`,
        url: created.html_url,
      };
    });
  }

  async read(ticket: {
    id: string;
    url: string;
    entity: Entity;
  }): Promise<TrackerTicketState> {
    const filed = FILED_ID.exec(ticket.id);
    if (!filed) {
      throw new TrackerError(
        `${ticket.id} is not a GitHub issue of Handoff's`,
        {
          permanent: true,
        },
      );
    }
    const repository = { owner: filed[1], repo: filed[2] };
    return this.call(repository, async () => {
      const gh = await this.client(repository);
      const { data } = await gh.rest.issues.get({
        ...repository,
        issue_number: Number(filed[3]),
      });
      const assignee = data.assignee?.login;
      if (data.state !== 'closed') {
        return { status: 'open', resolution: 'open', assignee };
      }
      const notPlanned = data.state_reason === 'not_planned';
      return {
        status: notPlanned ? 'wont-do' : 'done',
        resolution: `closed as ${notPlanned ? 'not planned' : 'completed'}`,
        assignee,
      };
    });
  }

  /** Runs calls to GitHub, turning its refusals into plain reasons. */
  private async call<T>(
    { owner, repo }: Repository,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof TrackerError) throw error;
      const status = (error as { status?: number }).status;
      const headers = ((error as { response?: { headers?: any } }).response
        ?.headers ?? {}) as Record<string, string | undefined>;
      const where = `${owner}/${repo} on ${this.host}`;
      const retryAfter = Number(headers['retry-after']);
      const reset = Number(headers['x-ratelimit-reset']);
      if (
        status === 429 ||
        (status === 403 &&
          (headers['x-ratelimit-remaining'] === '0' ||
            headers['retry-after'] !== undefined))
      ) {
        let retryAfterMs = 60_000;
        if (Number.isFinite(retryAfter) && retryAfter > 0) {
          retryAfterMs = retryAfter * 1000;
        } else if (Number.isFinite(reset) && reset > 0) {
          retryAfterMs = Math.max(reset * 1000 - Date.now(), 1000);
        }
        throw new TrackerError(
          `GitHub's rate limit for ${where} is spent; Handoff tries again when it resets`,
          { retryAfterMs },
        );
      }
      const permanent: Record<number, string> = {
        401: `GitHub refused Handoff's credentials for ${where} (401): check integrations.github`,
        403: `Handoff's GitHub credentials may not write issues in ${where} (403)`,
        404: `No repository ${where}, or Handoff's credentials cannot see it (404)`,
        410: `Issues are turned off in ${where}, or it is gone (410)`,
        422: `GitHub refused the issue in ${where} (422): ${
          (error as { response?: { data?: { message?: string } } }).response
            ?.data?.message ?? 'invalid'
        }`,
      };
      if (status && permanent[status]) {
        throw new TrackerError(permanent[status], { permanent: true });
      }
      throw new TrackerError(
        status
          ? `GitHub answered ${status} for ${where}; Handoff tries again`
          : `GitHub (${this.host}) did not answer; Handoff tries again`,
      );
    }
  }
}

/**
 * GitHub's "issues" events, signed with HMAC-SHA256 of the raw body
 * (`X-Hub-Signature-256`): an issue closed, reopened or (un)assigned on
 * GitHub reaches its work item at once.
 */
function githubWebhook(secret: string): TrackerWebhook {
  const header = (
    headers: Record<string, string | string[] | undefined>,
    name: string,
  ) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    verify(headers, body) {
      const signature = header(headers, 'x-hub-signature-256') ?? '';
      const expected = `sha256=${createHmac('sha256', secret)
        .update(body)
        .digest('hex')}`;
      return (
        signature.length === expected.length &&
        timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
      );
    },
    parse(event, headers) {
      if (header(headers, 'x-github-event') !== 'issues') return undefined;
      const e = event as {
        action?: string;
        issue?: {
          number?: number;
          state?: string;
          state_reason?: string | null;
          assignee?: { login?: string } | null;
        };
        repository?: { full_name?: string };
      };
      const slug = e.repository?.full_name;
      const number = e.issue?.number;
      if (!slug || !SLUG.test(slug) || !Number.isInteger(number)) {
        return undefined;
      }
      const closed = e.issue?.state === 'closed';
      const notPlanned = e.issue?.state_reason === 'not_planned';
      let status: TrackerTicketState['status'] = 'open';
      if (closed) status = notPlanned ? 'wont-do' : 'done';
      return {
        ticketId: `${slug}#${number}`,
        state: {
          status,
          resolution: closed
            ? `closed as ${notPlanned ? 'not planned' : 'completed'}`
            : 'open',
          assignee: e.issue?.assignee?.login,
        },
      };
    },
  };
}
