import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { http, HttpResponse } from 'msw';

/*
 * A GitHub that keeps issues in memory, for msw. Every request the tracker
 * sends and every response given back is checked against GitHub's own
 * published OpenAPI description (@octokit/openapi): an operation that does
 * not exist, a query parameter it does not take, a body it would refuse or
 * a response it would never send is recorded in `violations`.
 */

// eslint-disable-next-line @backstage/no-undeclared-imports
const spec = require('@octokit/openapi/generated/api.github.com.json');

/**
 * OpenAPI 3.0's `nullable: true` in JSON Schema terms (null is one more
 * allowed value), applied to the whole description once.
 */
function nullableToJsonSchema(node: any): any {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) out[k] = nullableToJsonSchema(v);
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === 'string' && !out.enum) {
    return { ...out, type: [out.type, 'null'] };
  }
  return { anyOf: [out, { type: 'null' }] };
}

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema(
  {
    ...spec,
    paths: nullableToJsonSchema(spec.paths),
    components: nullableToJsonSchema(spec.components),
  },
  'github',
);

const pointer = (...parts: string[]) =>
  `github#/${parts
    .map(p => p.replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/')}`;

const compiled = new Map<string, ValidateFunction>();
function validator(ref: string): ValidateFunction {
  let fn = compiled.get(ref);
  if (!fn) {
    fn = ajv.getSchema(ref);
    if (!fn) throw new Error(`No schema at ${ref}`);
    compiled.set(ref, fn);
  }
  return fn;
}

/** Follows a `$ref` inside the description. */
function resolve(node: any): any {
  let current = node;
  while (current?.$ref) {
    current = current.$ref
      .slice(2)
      .split('/')
      .map((p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((o: any, k: string) => o[k], spec);
  }
  return current;
}

/** The operation a request is for: its path template and method. */
function operationOf(method: string, path: string) {
  const candidates = Object.keys(spec.paths).filter(template => {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return pattern.test(path) && spec.paths[template][method];
  });
  // The most literal template wins: /issues/comments over /issues/{number}.
  candidates.sort(
    (a, b) => (a.match(/\{/g) ?? []).length - (b.match(/\{/g) ?? []).length,
  );
  const template = candidates[0];
  return template ? { template, op: spec.paths[template][method] } : undefined;
}

type Issue = {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  pull_request?: boolean;
};

export type FakeGithub = ReturnType<typeof fakeGithub>;

/**
 * A fake GitHub API at `apiBaseUrl` for one repository, with scripted
 * failures: `failNext(status, headers?)` answers the next request so.
 */
export function fakeGithub(options: {
  apiBaseUrl?: string;
  webBaseUrl?: string;
  owner: string;
  repo: string;
}) {
  const api = options.apiBaseUrl ?? 'https://api.github.com';
  const web = options.webBaseUrl ?? 'https://github.com';
  const example = resolve(spec.components.examples.issue).value;
  const state = {
    issues: [] as Issue[],
    requests: [] as Array<{
      method: string;
      path: string;
      body?: any;
      auth?: string;
    }>,
    violations: [] as string[],
    failures: [] as Array<{ status: number; headers?: Record<string, string> }>,
  };

  const toJson = (issue: Issue) => {
    const { pull_request, ...rest } = issue;
    const base = `${api}/repos/${options.owner}/${options.repo}/issues/${issue.number}`;
    return {
      ...example,
      id: issue.number,
      url: base,
      html_url: `${web}/${options.owner}/${options.repo}/${
        pull_request ? 'pull' : 'issues'
      }/${issue.number}`,
      ...rest,
      labels: issue.labels.map((name, i) => ({
        ...resolve(spec.components.examples.issue).value.labels[0],
        id: i + 1,
        name,
      })),
      ...(pull_request
        ? {
            pull_request: {
              url: `${api}/repos/${options.owner}/${options.repo}/pulls/${issue.number}`,
              html_url: `${web}/${options.owner}/${options.repo}/pull/${issue.number}`,
              diff_url: null,
              patch_url: null,
            },
          }
        : { pull_request: undefined }),
    };
  };

  function check(where: string, ref: string, value: unknown) {
    const validate = validator(ref);
    if (!validate(value)) {
      state.violations.push(
        `${where}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`,
      );
    }
  }

  /** Checks the response against the operation's documented one, then sends it. */
  function respond(
    method: string,
    template: string,
    op: any,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    const documented = op.responses[String(status)];
    const where = `${method.toUpperCase()} ${template} → ${status}`;
    if (documented) {
      const response = resolve(documented);
      if (response.content?.['application/json']) {
        const ref = documented.$ref
          ? `${pointer(
              ...documented.$ref
                .slice(2)
                .split('/')
                .map((p: string) => p.replace(/~1/g, '/')),
            )}/content/application~1json/schema`
          : `${pointer(
              'paths',
              template,
              method,
              'responses',
              String(status),
            )}/content/application~1json/schema`;
        check(where, ref, JSON.parse(JSON.stringify(body)));
      }
    } else if (status >= 400) {
      // Undocumented errors (rate limits, 401) carry GitHub's basic error.
      check(where, pointer('components', 'schemas', 'basic-error'), body);
    } else {
      state.violations.push(`${where}: GitHub does not document this response`);
    }
    return HttpResponse.json(body as any, { status, headers });
  }

  const handler = http.all(`${api}/*`, async args => {
    try {
      return await handle(args);
    } catch (e) {
      state.violations.push(`the fake failed: ${(e as Error).stack}`);
      throw e;
    }
  });
  async function handle({ request }: { request: Request }) {
    const url = new URL(request.url);
    const path = url.pathname.slice(
      new URL(api).pathname.replace(/\/$/, '').length,
    );
    const method = request.method.toLowerCase();
    const text = await request.text();
    const body = text ? JSON.parse(text) : undefined;
    state.requests.push({
      method: request.method,
      path: `${path}${url.search}`,
      body,
      auth: request.headers.get('authorization') ?? undefined,
    });
    const found = operationOf(method, path);
    if (!found) {
      state.violations.push(`${request.method} ${path}: no such operation`);
      return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
    }
    const { template, op } = found;
    const allowed = new Set(
      (op.parameters ?? [])
        .map(resolve)
        .filter((p: any) => p.in === 'query')
        .map((p: any) => p.name),
    );
    for (const name of url.searchParams.keys()) {
      if (!allowed.has(name)) {
        state.violations.push(
          `${request.method} ${template}: no query parameter ${name}`,
        );
      }
    }
    if (op.requestBody) {
      check(
        `${request.method} ${template} request`,
        `${pointer(
          'paths',
          template,
          method,
          'requestBody',
          'content',
          'application/json',
          'schema',
        )}`,
        body ?? {},
      );
    }
    const failure = state.failures.shift();
    if (failure) {
      return respond(
        method,
        template,
        op,
        failure.status,
        {
          message: `Scripted failure ${failure.status}`,
          documentation_url: 'https://docs.github.com/rest',
        },
        failure.headers,
      );
    }
    const prefix = `/repos/${options.owner}/${options.repo}/issues`;
    if (method === 'get' && path === prefix) {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const labels = url.searchParams.get('labels')?.split(',') ?? [];
      const matching = state.issues.filter(
        i =>
          labels.every(l => i.labels.includes(l)) &&
          (url.searchParams.get('state') === 'all' || i.state === 'open'),
      );
      const slice = matching.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < matching.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next}>; rel="next"`;
      }
      return respond(method, template, op, 200, slice.map(toJson), headers);
    }
    if (method === 'post' && path === prefix) {
      const issue: Issue = {
        number: state.issues.length + 1,
        title: String(body.title),
        body: body.body ?? '',
        state: 'open',
        state_reason: null,
        labels: body.labels ?? [],
      };
      state.issues.push(issue);
      return respond(method, template, op, 201, toJson(issue));
    }
    const match = new RegExp(`^${prefix}/(\\d+)$`).exec(path);
    const issue =
      match && state.issues.find(i => i.number === Number(match[1]));
    if (match && !issue) {
      return respond(method, template, op, 404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    if (issue && method === 'get')
      return respond(method, template, op, 200, toJson(issue));
    if (issue && method === 'patch') {
      Object.assign(issue, {
        ...(body.title !== undefined && { title: body.title }),
        ...(body.body !== undefined && { body: body.body }),
        ...(body.state !== undefined && { state: body.state }),
        state_reason:
          body.state === 'open'
            ? 'reopened'
            : body.state_reason ?? issue.state_reason,
      });
      return respond(method, template, op, 200, toJson(issue));
    }
    state.violations.push(`${request.method} ${path}: not handled by the fake`);
    return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
  }

  return {
    handler,
    state,
    failNext(status: number, headers?: Record<string, string>) {
      state.failures.push({ status, headers });
    },
    /** Adds an issue as if someone (or an earlier run) had filed it. */
    seed(issue: Omit<Issue, 'number'>) {
      const stored = { ...issue, number: state.issues.length + 1 };
      state.issues.push(stored);
      return stored;
    },
  };
}
