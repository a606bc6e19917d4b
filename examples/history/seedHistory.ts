/*
 * Gives the example portal a lived-in history, through the same HTTP API a
 * person or a pipeline uses: decisions across stages, an exception one
 * person requests and another grants, a failing then passing check, a periodic review, a pending
 * transfer. (The overdue review is fraud scoring's registered date, in its
 * catalog-info.yaml.) Idempotent: a capability that already has decisions or
 * checks is left as it is, so a restart adds nothing.
 *
 *   node examples/history/seedHistory.ts [--base-url http://localhost:7007]
 *
 * People sign in through the example portal's development-only sign-in
 * (auth.providers.example-users); CI posts checks with the example CI token.
 */

type Step =
  | { as: string; post: string; body: object }
  | { as: string; decide: string; body: object }
  /** Grants the pending exception for a requirement. */
  | { as: string; grant: string; note: string };

type Story = { name: string; owner: string; steps: Step[] };

const args = process.argv.slice(2);
const at = args.indexOf('--base-url');
const baseUrl = (at >= 0 ? args[at + 1] : 'http://localhost:7007').replace(
  /\/$/,
  '',
);
const ciToken =
  process.env.HANDOFF_CI_TOKEN ?? 'local-ci-token-for-the-example-portal';

const readout = (usage: object, friction: string, nextChange: string) => ({
  usage,
  friction,
  incidents: 'none',
  ownerConfirmed: true,
  nextChange,
});

/** One capability's history, in the order it happened. */
const STORIES: Story[] = [
  {
    name: 'invoice-export',
    owner: 'mary',
    steps: [
      {
        as: 'ci',
        post: 'checks',
        body: {
          name: 'totals-reconcile',
          kind: 'quality',
          status: 'fail',
          value: 12.4,
          details: 'Totals differ from billing by 12.40 EUR on 3 invoices',
          link: 'https://ci.example.com/invoice-export/runs/41',
        },
      },
      {
        as: 'ci',
        post: 'checks',
        body: {
          name: 'totals-reconcile',
          kind: 'quality',
          status: 'pass',
          value: 0,
          details: 'Totals match billing to the cent',
          link: 'https://ci.example.com/invoice-export/runs/42',
        },
      },
      {
        as: 'mary',
        post: 'exceptions',
        body: {
          requirement: 'pilot-evidence',
          justification:
            'Finance signed the pilot off by email (FIN-212); a two-person pilot has no feedback page',
        },
      },
      {
        as: 'margaret',
        grant: 'pilot-evidence',
        note: 'FIN-212 is on file; the usage figures come with the first review',
      },
      {
        as: 'mary',
        decide: 'start-review',
        body: {
          rationale:
            'Rounding fixed; two dry runs reconcile with billing to the cent',
        },
      },
      {
        as: 'linus',
        post: 'approvals',
        body: {
          decision: 'operate',
          role: 'accountable',
          comment: 'Payments runs it',
        },
      },
      {
        as: 'mary',
        decide: 'operate',
        body: {
          rationale: 'Payments built it and runs it; no transfer needed',
        },
      },
      {
        as: 'mary',
        decide: 'review',
        body: {
          rationale: 'First monthly run went out on time',
          readout: readout(
            { value: 42000, unit: 'invoices', period: 'per month' },
            'Credit notes still go out in a separate batch',
            'Export credit notes in the same batch',
          ),
        },
      },
    ],
  },
  {
    name: 'demand-forecast',
    owner: 'guest',
    steps: [
      {
        as: 'ada',
        post: 'approvals',
        body: { decision: 'hand-off', role: 'accountable' },
      },
      {
        as: 'guest',
        decide: 'hand-off',
        body: {
          rationale:
            'Hardened: back-test within target for 8 weeks; SRE to run it',
        },
      },
    ],
  },
  {
    name: 'support-assistant',
    owner: 'linus',
    steps: [
      {
        as: 'linus',
        decide: 'harden',
        body: {
          rationale:
            'Agents want a confidence score before they trust a suggested reply',
        },
      },
    ],
  },
];

async function call(
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  return fetch(`${baseUrl}${path}`, { ...init, headers });
}

async function waitFor(what: string, ok: () => Promise<boolean>) {
  const until = Date.now() + 10 * 60_000;
  while (Date.now() < until) {
    if (await ok().catch(() => false)) return;
    await new Promise(r => setTimeout(r, 2000));
  }
  throw new Error(`Gave up waiting for ${what}`);
}

const tokens = new Map<string, string>();
async function tokenOf(person: string): Promise<string> {
  if (person === 'ci') return ciToken;
  const cached = tokens.get(person);
  if (cached) return cached;
  const provider = person === 'guest' ? 'guest' : 'example-users';
  // Until the catalog has read examples/org.yaml, the person is not found.
  let token = '';
  await waitFor(`${person} to be able to sign in`, async () => {
    const res = await call(`/api/auth/${provider}/refresh`, {
      headers: {
        'X-Requested-With': 'XMLHttpRequest',
        'x-handoff-example-user': person,
      },
    });
    if (res.ok) token = (await res.json()).backstageIdentity.token;
    return res.ok;
  });
  tokens.set(person, token);
  return token;
}

async function json(res: Response) {
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    throw new Error(`${res.status} ${body?.error?.message ?? res.statusText}`);
  }
  return body;
}

async function tell(story: Story): Promise<string> {
  const path = `component/default/${story.name}`;
  const owner = await tokenOf(story.owner);
  // The capability must be in the catalog, with its spec read.
  await waitFor(
    `${story.name} in the catalog`,
    async () =>
      (
        await call(`/api/handoff/readiness/${path}`, { token: owner })
      ).ok,
  );
  await json(
    await call(`/api/handoff/specs/${path}/refresh`, {
      method: 'POST',
      token: owner,
    }),
  );
  const decisions = await json(
    await call(`/api/handoff/decisions/${path}`, { token: owner }),
  );
  const checks = await json(
    await call(`/api/handoff/checks/${path}`, { token: owner }),
  );
  if (decisions.items.length || checks.history.length) {
    return `${story.name}: has a history already, left as it is`;
  }
  for (const step of story.steps) {
    const token = await tokenOf(step.as);
    if ('grant' in step) {
      const { items } = await json(
        await call(`/api/handoff/exceptions/${path}`, { token }),
      );
      const pending = items.find(
        (e: { requirement: string; status: string }) =>
          e.requirement === step.grant && e.status === 'pending',
      );
      if (!pending) throw new Error(`No pending exception for ${step.grant}`);
      await json(
        await call(`/api/handoff/exceptions/${path}/${pending.id}/answer`, {
          method: 'POST',
          token,
          body: JSON.stringify({ answer: 'grant', note: step.note }),
        }),
      );
      continue;
    }
    if ('post' in step) {
      const res = await call(`/api/handoff/${step.post}/${path}`, {
        method: 'POST',
        token,
        body: JSON.stringify(step.body),
      });
      // An approval given by a run that stopped half-way is given.
      if (!(step.post === 'approvals' && res.status === 409)) await json(res);
      continue;
    }
    const readiness = await json(
      await call(`/api/handoff/readiness/${path}`, { token }),
    );
    await json(
      await call(`/api/handoff/decisions/${path}`, {
        method: 'POST',
        token,
        body: JSON.stringify({
          decision: step.decide,
          expectedSequence: readiness.sequence ?? 0,
          ...step.body,
        }),
      }),
    );
  }
  const n = story.steps.length;
  return `${story.name}: ${n} step${n === 1 ? '' : 's'} recorded`;
}

async function main() {
  await waitFor(
    'the portal backend',
    async () => (await call('/api/handoff/health')).ok,
  );
  for (const story of STORIES) {
    console.log(`Example history: ${await tell(story)}`);
  }
}

main().catch(error => {
  console.error(`Example history: ${error.message}`);
  process.exitCode = 1;
});
