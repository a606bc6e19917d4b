import { Version2, Version3 } from 'jira.js';
import { http, HttpResponse } from 'msw';

/*
 * A Jira site that keeps issues in memory, for msw, speaking REST API 3
 * (Cloud) or 2 (Data Center). Every response is typed with jira.js's own
 * models of Jira's API, so a response the client would not understand does
 * not compile; every request is recorded for the tests to read.
 */

type Issue = {
  key: string;
  summary: string;
  description: unknown;
  labels: string[];
  status: 'To Do' | 'In Progress' | 'Done' | "Won't Do";
  resolution?: string;
};

const CATEGORY: Record<Issue['status'], string> = {
  'To Do': 'new',
  'In Progress': 'indeterminate',
  Done: 'done',
  "Won't Do": 'done',
};

/** The workflow: start, finish, decline, reopen. */
const TRANSITIONS: Array<{ id: string; name: string; to: Issue['status'] }> = [
  { id: '11', name: 'Start progress', to: 'In Progress' },
  { id: '31', name: 'Done', to: 'Done' },
  { id: '41', name: "Won't do", to: "Won't Do" },
  { id: '51', name: 'Reopen', to: 'To Do' },
];

export function fakeJira(options: {
  baseUrl: string;
  version: 2 | 3;
  project: string;
}) {
  const api = `${options.baseUrl}/rest/api/${options.version}`;
  const state = {
    issues: [] as Issue[],
    requests: [] as Array<{
      method: string;
      path: string;
      body?: any;
      auth?: string;
    }>,
    failures: [] as Array<{
      status: number;
      body?: Record<string, unknown>;
      headers?: Record<string, string>;
    }>,
  };

  const issueJson = (
    issue: Issue,
  ): Version3.Version3Models.Issue & Version2.Version2Models.Issue => ({
    id: issue.key.replace(/\D/g, ''),
    key: issue.key,
    self: `${api}/issue/${issue.key}`,
    fields: {
      summary: issue.summary,
      description: issue.description as any,
      labels: issue.labels,
      status: {
        name: issue.status,
        statusCategory: { key: CATEGORY[issue.status] },
      },
      resolution: issue.resolution
        ? { name: issue.resolution }
        : (undefined as any),
      assignee: undefined as any,
    } as any,
  });

  const find = (key: string) => state.issues.find(i => i.key === key);

  const handler = http.all(`${api}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const path = url.pathname.slice(new URL(api).pathname.length);
    const text = await request.text();
    const body = text ? JSON.parse(text) : undefined;
    state.requests.push({
      method: request.method,
      path: `${path}${url.search}`,
      body,
      auth: request.headers.get('authorization') ?? undefined,
    });
    const failure = state.failures.shift();
    if (failure) {
      return HttpResponse.json(failure.body ?? { errorMessages: ['No'] }, {
        status: failure.status,
        headers: failure.headers,
      });
    }
    const searchPath = options.version === 3 ? '/search/jql' : '/search';
    if (request.method === 'GET' && path === searchPath) {
      const jql = url.searchParams.get('jql') ?? '';
      const label = /labels = "([^"]+)"/.exec(jql)?.[1];
      const project = /project = "([^"]+)"/.exec(jql)?.[1];
      const issues = state.issues
        .filter(
          i =>
            (!label || i.labels.includes(label)) &&
            (!project || i.key.startsWith(`${project}-`)),
        )
        .map(issueJson);
      const result: Version3.Version3Models.SearchAndReconcileResults &
        Version2.Version2Models.SearchResults = { issues };
      return HttpResponse.json(result);
    }
    if (request.method === 'POST' && path === '/issue') {
      const issue: Issue = {
        key: `${body.fields.project.key}-${state.issues.length + 1}`,
        summary: body.fields.summary,
        description: body.fields.description,
        labels: body.fields.labels ?? [],
        status: 'To Do',
      };
      state.issues.push(issue);
      const created: Version3.Version3Models.CreatedIssue = {
        id: String(state.issues.length),
        key: issue.key,
        self: `${api}/issue/${issue.key}`,
      };
      return HttpResponse.json(created, { status: 201 });
    }
    const match = /^\/issue\/([A-Z0-9_]+-\d+)(\/transitions)?$/.exec(path);
    const issue = match && find(match[1]);
    if (match && !issue) {
      return HttpResponse.json(
        {
          errorMessages: [
            'Issue does not exist or you do not have permission to see it.',
          ],
        },
        { status: 404 },
      );
    }
    if (issue && !match![2] && request.method === 'GET') {
      return HttpResponse.json(issueJson(issue));
    }
    if (issue && !match![2] && request.method === 'PUT') {
      issue.summary = body.fields.summary ?? issue.summary;
      issue.description = body.fields.description ?? issue.description;
      return new HttpResponse(null, { status: 204 });
    }
    if (issue && match![2] && request.method === 'GET') {
      const transitions: Version3.Version3Models.Transitions = {
        transitions: TRANSITIONS.filter(t => t.to !== issue.status).map(t => ({
          id: t.id,
          name: t.name,
          to: { name: t.to, statusCategory: { key: CATEGORY[t.to] } },
        })),
      };
      return HttpResponse.json(transitions);
    }
    if (issue && match![2] && request.method === 'POST') {
      const t = TRANSITIONS.find(x => x.id === body.transition.id);
      if (!t)
        return HttpResponse.json(
          { errorMessages: ['No such transition'] },
          { status: 400 },
        );
      issue.status = t.to;
      // Done and Won't Do are both resolutions of the same name.
      issue.resolution = CATEGORY[t.to] === 'done' ? t.to : undefined;
      return new HttpResponse(null, { status: 204 });
    }
    return HttpResponse.json(
      { errorMessages: ['Not handled'] },
      { status: 404 },
    );
  });

  return {
    handler,
    state,
    failNext(
      status: number,
      body?: Record<string, unknown>,
      headers?: Record<string, string>,
    ) {
      state.failures.push({ status, body, headers });
    },
    seed(issue: Omit<Issue, 'key'>) {
      const stored = {
        ...issue,
        key: `${options.project}-${state.issues.length + 1}`,
      };
      state.issues.push(stored);
      return stored;
    },
  };
}
