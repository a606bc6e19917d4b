import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'fs';
import path from 'path';
import request from 'supertest';
import { parse } from 'yaml';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  evaluateGate,
  parseSpecYaml,
  validateHandoffSpec,
} from '@handoff/backstage-plugin-handoff-common';
import os from 'os';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { scaffolderModuleHandoff } from './module';

jest.setTimeout(120_000);

const templateDir = path.resolve(__dirname, '../templates/new-capability');

/** The template's skeleton as the dry-run API wants it: every file, base64. */
function directoryContents(
  dir: string,
  base = dir,
): Array<{ path: string; base64Content: string }> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return directoryContents(full, base);
    return [
      {
        path: path.relative(base, full),
        base64Content: fs.readFileSync(full).toString('base64'),
      },
    ];
  });
}

const values = (risk: Record<string, string>, extra: object = {}) => ({
  name: 'loyalty-model',
  title: 'Loyalty model',
  description: 'Predicts who joins the loyalty programme',
  type: 'model',
  owner: { ref: 'group:default/data-science', title: 'Data science' },
  problem: 'Marketing mails everyone about the loyalty programme',
  dataRisk: risk.data,
  customerImpact: risk.customerImpact,
  complianceRisk: risk.compliance,
  operationalDependency: risk.operationalDependency,
  regulatoryConstraints: ['GDPR'],
  usesModel: true,
  operatingOwner: { ref: 'group:default/sre', title: 'Site reliability' },
  successMetrics: [
    { Metric: 'Sign-up rate', Target: '5%', Measurement: 'Monthly CRM report' },
  ],
  ...extra,
});

describe('the New capability template through the scaffolder dry-run API', () => {
  async function dryRun(
    parameters: object,
    policy?: string,
    entities: object[] = [],
  ) {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleHandoff,
        catalogServiceMock.factory({ entities: entities as any[] }),
        mockServices.rootConfig.factory({
          data: {
            handoff: {
              scaffolder: {
                localPublishDirectory: '/tmp/handoff-never-written',
              },
              ...(policy && { policy }),
            },
          },
        }),
      ],
    });
    const template = parse(
      fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
    );
    // The dry run reads the skeleton from directoryContents, next to the template.
    template.spec.steps.find((s: any) => s.id === 'template').input.url =
      './skeleton';
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send({
        template,
        values: parameters,
        secrets: {},
        directoryContents: directoryContents(templateDir).filter(
          f => f.path !== 'template.yaml',
        ),
      });
    return res;
  }

  const fileOf = (body: any, name: string) =>
    Buffer.from(
      body.directoryContents.find((f: any) => f.path === name).base64Content,
      'base64',
    ).toString('utf8');

  it.each([
    [
      'low',
      {
        data: 'low',
        customerImpact: 'low',
        compliance: 'low',
        operationalDependency: 'low',
      },
    ],
    [
      'medium',
      {
        data: 'medium',
        customerImpact: 'low',
        compliance: 'low',
        operationalDependency: 'medium',
      },
    ],
    [
      'high',
      {
        data: 'high',
        customerImpact: 'high',
        compliance: 'high',
        operationalDependency: 'high',
      },
    ],
  ])(
    'renders a %s-risk spec that the committed JSON Schema (ajv) and the validator both accept',
    async (_tier, risk) => {
      const res = await dryRun(values(risk));
      expect(res.status).toBe(200);
      const text = fileOf(res.body, 'handoff.yaml');
      const ajv = new Ajv2020({ strict: false, strictNumbers: true });
      addFormats(ajv);
      const schema = JSON.parse(
        fs.readFileSync(
          require.resolve(
            '@handoff/backstage-plugin-handoff-common/handoff.schema.json',
          ),
          'utf8',
        ),
      );
      const check = ajv.compile(schema);
      expect(check(parseSpecYaml(text))).toBe(true);
      expect(check.errors ?? null).toBeNull();
      expect(validateHandoffSpec(text).valid).toBe(true);
    },
  );

  it('carries the work that moves to delivery teams into the spec, its text as written', async () => {
    const work = 'Move the job: "nightly" to #ops - {now}';
    const res = await dryRun(
      values(
        {
          data: 'low',
          customerImpact: 'low',
          compliance: 'low',
          operationalDependency: 'low',
        },
        { deliveryWork: [{ Work: work, Team: 'group:default/sre' }] },
      ),
    );
    expect(res.status).toBe(200);
    const text = fileOf(res.body, 'handoff.yaml');
    const result = validateHandoffSpec(text);
    expect(result.valid).toBe(true);
    expect((parseSpecYaml(text) as any).deliveryWork).toEqual([
      { title: work, team: 'group:default/sre' },
    ]);
    // Without any, the spec has no such section.
    const none = await dryRun(
      values({
        data: 'low',
        customerImpact: 'low',
        compliance: 'low',
        operationalDependency: 'low',
      }),
    );
    expect(parseSpecYaml(fileOf(none.body, 'handoff.yaml'))).not.toHaveProperty(
      'deliveryWork',
    );
  });

  it('refuses a one-line description of 5,000 characters before anything runs', async () => {
    const res = await dryRun(
      values(
        {
          data: 'low',
          customerImpact: 'low',
          compliance: 'low',
          operationalDependency: 'low',
        },
        { description: 'x'.repeat(5000) },
      ),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/description/);
  });

  it('refuses high compliance risk with no regulation named, and an empty success metric', async () => {
    const high = {
      data: 'low',
      customerImpact: 'low',
      compliance: 'high',
      operationalDependency: 'low',
    };
    const none = await dryRun(values(high, { regulatoryConstraints: [] }));
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toMatch(/regulatoryConstraints/);
    const blank = await dryRun(values(high, { regulatoryConstraints: [' '] }));
    expect(blank.status).toBe(400);
    const cleared = await dryRun(
      values(high, {
        successMetrics: [{ Metric: '', Target: '5%', Measurement: 'CRM' }],
      }),
    );
    expect(cleared.status).toBe(400);
    expect(JSON.stringify(cleared.body)).toMatch(/Metric/);
    // Medium compliance risk may leave it to the spec (a TODO there).
    const medium = await dryRun(
      values({ ...high, compliance: 'medium' }, { regulatoryConstraints: [] }),
    );
    expect(medium.status).toBe(200);
  });

  it('writes the owner ref that was picked, whatever display name came with it, and refuses an owner without one', async () => {
    const low = {
      data: 'low',
      customerImpact: 'low',
      compliance: 'low',
      operationalDependency: 'low',
    };
    // The name is for the review page only: a forged one changes nothing.
    const forged = await dryRun(
      values(low, {
        owner: {
          ref: 'group:default/data-science',
          title: 'Board of directors',
        },
      }),
    );
    expect(forged.status).toBe(200);
    expect(parse(fileOf(forged.body, 'catalog-info.yaml')).spec.owner).toBe(
      'group:default/data-science',
    );
    const written = forged.body.directoryContents
      .map((f: any) => Buffer.from(f.base64Content, 'base64').toString('utf8'))
      .join('\n');
    expect(written).not.toContain('Board of directors');

    for (const owner of [
      { title: 'Data science' },
      'group:default/data-science',
      // Written into catalog-info.yaml: nothing but a ref gets there.
      { ref: 'group:default/x\n  lifecycle: production', title: 'X' },
    ]) {
      const refused = await dryRun(values(low, { owner }));
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toMatch(/owner/);
    }
  });

  it('creates a high-risk capability whose spec is valid and carries every artifact its risk requires', async () => {
    const res = await dryRun(
      values({
        data: 'high',
        customerImpact: 'medium',
        compliance: 'high',
        operationalDependency: 'medium',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.steps.map((s: any) => s.id)).toEqual([
      'name',
      'sections',
      'template',
      'validate',
      'publish',
      'register',
    ]);
    const log = res.body.log.map((l: any) => l.body.message).join('\n');
    expect(log).toContain('The handoff spec is valid (risk tier high)');
    expect(log).toContain(
      "Dry run: would write the capability's files and register its catalog-info.yaml",
    );
    // The run's log names no server path: the skeleton was written to
    // "the run's folder", wherever the scaffolder keeps it.
    expect(log).toContain("Template result written to the run's folder");
    expect(log).not.toMatch(/(^|[\s'"(])\/[\w.-]+\/[\w./-]+/m);

    const spec = validateHandoffSpec(fileOf(res.body, 'handoff.yaml'));
    expect(spec.errors).toEqual([]);
    expect(spec.valid).toBe(true);
    if (!spec.valid) return;
    expect(spec.spec.risk).toEqual({
      data: 'high',
      customerImpact: 'medium',
      compliance: 'high',
      operationalDependency: 'medium',
    });
    // Placeholders read as TODOs, and no number is made up.
    expect(spec.spec.dataContracts?.[0].fields.example_field).toEqual({
      type: 'number',
      driftExempt: 'TODO: a drift tolerance, or why this field needs none',
    });
    expect(spec.spec.dataContracts?.[0].quality).toEqual({});
    expect(spec.spec.model?.evaluationMetric).toBeUndefined();
    expect(spec.spec.model?.failureModes).toHaveLength(1);
    expect(spec.spec.nonFunctionalRequirements).toHaveLength(2);
    expect(spec.spec.regulatoryConstraints).toEqual([
      {
        regulation: 'GDPR',
        requirement: 'TODO: what it requires of this capability',
      },
    ]);
    expect(spec.spec.observability?.slos).toHaveLength(1);
    expect(spec.spec.successCriteria).toEqual([
      {
        metric: 'Sign-up rate',
        target: '5%',
        measuredBy: 'Monthly CRM report',
      },
    ]);
    expect(spec.spec.owners?.operatingOwner).toBe('group:default/sre');

    const catalogInfo = parse(fileOf(res.body, 'catalog-info.yaml'));
    expect(catalogInfo.metadata.annotations).toMatchObject({
      'handoff.dev/spec': './handoff.yaml',
      'handoff.dev/stage': 'proposed',
    });
    expect(catalogInfo.spec).toMatchObject({
      type: 'model',
      owner: 'group:default/data-science',
    });
    expect(res.body.directoryContents.map((f: any) => f.path).sort()).toEqual([
      'catalog-info.yaml',
      'docs/data-contract.md',
      'docs/deployment.md',
      'docs/index.md',
      'docs/risk.md',
      'docs/spec.md',
      'docs/test-plan.md',
      'handoff.yaml',
      'mkdocs.yml',
    ]);
  });

  it('leaves out what a low-risk capability without a model does not need', async () => {
    const res = await dryRun(
      values(
        {
          data: 'low',
          customerImpact: 'low',
          compliance: 'low',
          operationalDependency: 'low',
        },
        { usesModel: false, regulatoryConstraints: [] },
      ),
    );
    expect(res.status).toBe(200);
    const spec = validateHandoffSpec(fileOf(res.body, 'handoff.yaml'));
    expect(spec.valid).toBe(true);
    if (!spec.valid) return;
    expect(spec.spec.dataContracts).toBeUndefined();
    expect(spec.spec.model).toBeUndefined();
    expect(spec.spec.nonFunctionalRequirements).toBeUndefined();
    expect(spec.spec.regulatoryConstraints).toBeUndefined();
    expect(spec.spec.observability).toBeUndefined();
    expect(spec.spec.testPlan).toBeUndefined();
    expect(spec.spec.pilot).toBeUndefined();
    // It carries every artifact the default policy asks of a low-tier
    // hand-off, each a TODO the gate lists as still to do.
    const gateInput = (s: typeof spec.spec) => ({
      decision: 'hand-off' as const,
      spec: s,
      specState: 'valid' as const,
      ownersResolve: { operatingOwner: true, supportPath: true },
      checks: [],
      approvals: [],
      transferAccepted: false,
    });
    const gate = evaluateGate(gateInput(spec.spec));
    expect(
      gate.requirements.filter(r => !r.met).map(r => [r.id, r.reason]),
    ).toEqual([
      ['acceptance-criteria', 'Still to write: Acceptance criterion 1'],
      [
        'rollback',
        'Still to write: Deployment checklist and rollback: the rollback procedure',
      ],
    ]);
    // Once written, nothing else is asked of it.
    spec.spec.acceptanceCriteria = ['The programme mails only members'];
    spec.spec.deployment!.rollback!.procedure = 'Switch the mailing back';
    expect(evaluateGate(gateInput(spec.spec)).met).toBe(true);
  });

  it('follows the configured gate policy: a section for each artifact it asks of the risk', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-policy-'));
    const policy = path.join(dir, 'policy.yaml');
    fs.writeFileSync(
      policy,
      `apiVersion: handoff.dev/v1alpha1
kind: GatePolicy
reviewCadenceDays: { low: 90, medium: 60, high: 30 }
rules:
  - id: slos
    description: SLOs, whatever the risk
    decisions: [hand-off]
    require: { artifact: observability.slos }
  - id: tests
    description: A test plan, whatever the risk
    decisions: [start-review]
    require: { artifact: testPlan.cases }
`,
    );
    try {
      const res = await dryRun(
        values(
          {
            data: 'high',
            customerImpact: 'low',
            compliance: 'low',
            operationalDependency: 'low',
          },
          { usesModel: false, regulatoryConstraints: [] },
        ),
        policy,
      );
      expect(res.status).toBe(200);
      const spec = validateHandoffSpec(fileOf(res.body, 'handoff.yaml'));
      expect(spec.valid).toBe(true);
      if (!spec.valid) return;
      // Only what this policy asks, even at high data risk.
      expect(spec.spec.observability?.slos).toHaveLength(1);
      expect(spec.spec.observability?.dashboards).toBeUndefined();
      expect(spec.spec.testPlan?.cases).toHaveLength(1);
      expect(spec.spec.dataContracts).toBeUndefined();
      expect(spec.spec.deployment).toBeUndefined();
      expect(spec.spec.features).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails the run with path-level errors when the generated spec is invalid', async () => {
    const res = await dryRun(
      values(
        {
          data: 'low',
          customerImpact: 'low',
          compliance: 'low',
          operationalDependency: 'low',
        },
        { operatingOwner: { ref: 'component:default/sre', title: 'SRE' } },
      ),
    );
    const log =
      res.body.log?.map((l: any) => l.body.message).join('\n') ??
      JSON.stringify(res.body);
    expect(log).toContain('The handoff spec is invalid:');
    expect(log).toContain(
      'owners.operatingOwner: must be a group or user entity ref, like group:default/sre or user:ada',
    );
  });

  it('refuses a name that is taken, or that the catalog would refuse, before anything is written', async () => {
    const low = {
      data: 'low',
      customerImpact: 'low',
      compliance: 'low',
      operationalDependency: 'low',
    };
    const taken = await dryRun(values(low), undefined, [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'loyalty-model',
          namespace: 'default',
          title: 'Loyalty model v1',
          annotations: { 'handoff.dev/stage': 'operating' },
        },
        spec: { owner: 'group:default/growth' },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'growth', namespace: 'default' },
        spec: {
          type: 'team',
          children: [],
          profile: { displayName: 'Growth' },
        },
      },
    ]);
    const log = (body: any) =>
      body.log?.map((l: any) => l.body.message).join('\n') ??
      JSON.stringify(body);
    expect(log(taken.body)).toContain(
      'There is already a capability called “loyalty-model” in the catalog (Loyalty model v1, owned by Growth). Choose another name; nothing was created or changed.',
    );
    // The run stopped at the name: no file was written into the workspace.
    expect(taken.body.directoryContents ?? []).toEqual([]);
    expect(log(taken.body)).not.toContain('The handoff spec is valid');

    // A name the catalog would refuse: the form's field says so, and were
    // the form bypassed, the first step refuses it before writing anything.
    const dashed = await dryRun(values(low, { name: 'credit-limit-' }));
    expect(log(dashed.body)).toContain(
      '“credit-limit-” cannot be a catalog name: start and end with a letter or digit, and use at most 63 characters. Nothing was created.',
    );
    expect(dashed.body.directoryContents ?? []).toEqual([]);
  });
});
