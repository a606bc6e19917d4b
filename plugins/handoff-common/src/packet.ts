import type {
  CheckResultResponse,
  DecisionResponse,
  ReadinessSummary,
  SpecVersion,
} from './api';
import { DECISION_TITLES, Decision, STAGE_TITLES } from './lifecycle';
import { formatSpecError } from './spec';

/**
 * The whole handoff of one capability, as handed to an engineering tracker.
 *
 * @public
 */
export type HandoffPacket = {
  generatedAt: string;
  readiness: ReadinessSummary;
  spec?: SpecVersion;
  decisions: DecisionResponse[];
  checks: CheckResultResponse[];
};

type Doc = Record<string, any>;

const list = (items: string[]) => items.map(i => `- ${i}`).join('\n');
const cell = (value: unknown) =>
  String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
const table = (head: string[], rows: unknown[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map(r => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

function allowedValues(field: Doc): string {
  if (field.values) return field.values.join(', ');
  if (!field.range) return '';
  return `${field.range.min ?? '…'} to ${field.range.max ?? '…'}`;
}

function specSections(doc: Doc): string[] {
  const out: string[] = [];
  const add = (title: string, body: string | undefined) => {
    if (body) out.push(`### ${title}\n\n${body}`);
  };
  add(
    'Intent',
    doc.intent &&
      [
        doc.intent.problem,
        doc.intent.outcome && `Outcome: ${doc.intent.outcome}`,
      ]
        .filter(Boolean)
        .join('\n\n'),
  );
  add(
    'Success criteria',
    doc.successCriteria &&
      table(
        ['Metric', 'Target', 'Measured by'],
        doc.successCriteria.map((c: Doc) => [
          c.metric,
          `${c.target} ${c.unit ?? ''}`.trim(),
          c.measuredBy,
        ]),
      ),
  );
  add(
    'Acceptance criteria',
    doc.acceptanceCriteria && list(doc.acceptanceCriteria),
  );
  add(
    'Non-functional requirements',
    doc.nonFunctionalRequirements &&
      list(
        doc.nonFunctionalRequirements.map(
          (n: Doc) => `${n.category}: ${n.requirement}`,
        ),
      ),
  );
  add(
    'Risk profile',
    doc.risk && list(Object.entries(doc.risk).map(([k, v]) => `${k}: ${v}`)),
  );
  add(
    'Regulatory constraints',
    doc.regulatoryConstraints &&
      list(
        doc.regulatoryConstraints.map(
          (r: Doc) => `${r.regulation}: ${r.requirement}`,
        ),
      ),
  );
  add(
    'Data contracts',
    doc.dataContracts &&
      doc.dataContracts
        .map(
          (c: Doc) =>
            `**${c.name}** (source: ${
              c.provenance?.sourceSystem ?? 'not given'
            })\n\n${table(
              [
                'Field',
                'Type',
                'Nullable',
                'Range or values',
                'Drift tolerance',
              ],
              Object.entries(c.fields ?? {}).map(([name, f]: [string, any]) => [
                name,
                f.type,
                f.nullable ? 'yes' : 'no',
                allowedValues(f),
                f.driftTolerance
                  ? `${f.driftTolerance.metric} ≤ ${f.driftTolerance.threshold}`
                  : '',
              ]),
            )}${
              c.quality
                ? `\n\nQuality: ${Object.entries(c.quality)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ')}`
                : ''
            }`,
        )
        .join('\n\n'),
  );
  add(
    'Features',
    doc.features &&
      table(
        ['Feature', 'Success metric'],
        doc.features.map((f: Doc) => [f.name, f.successMetric]),
      ),
  );
  add(
    'Model requirements',
    doc.model &&
      [
        `Inputs: ${(doc.model.inputs ?? [])
          .map((i: Doc) => i.name)
          .join(', ')}`,
        `Outputs: ${(doc.model.outputs ?? [])
          .map((i: Doc) => i.name)
          .join(', ')}`,
        doc.model.fallback && `Fallback: ${doc.model.fallback}`,
        table(
          ['Failure mode', 'Detection', 'Mitigation'],
          (doc.model.failureModes ?? []).map((m: Doc) => [
            m.mode,
            m.detection,
            m.mitigation,
          ]),
        ),
      ]
        .filter(Boolean)
        .join('\n\n'),
  );
  add(
    'Test plan',
    doc.testPlan &&
      [
        doc.testPlan.strategy,
        list(
          (doc.testPlan.cases ?? []).map((c: Doc) => `${c.name} (${c.type})`),
        ),
      ]
        .filter(Boolean)
        .join('\n\n'),
  );
  add(
    'Deployment checklist and rollback',
    doc.deployment &&
      [
        (doc.deployment.checklist ?? [])
          .map((i: Doc) => `- [${i.done ? 'x' : ' '}] ${i.item}`)
          .join('\n'),
        `Rollback: ${
          doc.deployment.rollback?.procedure ?? 'not described yet'
        }`,
      ].join('\n\n'),
  );
  add(
    'Observability',
    doc.observability &&
      list([
        ...(doc.observability.dashboards ?? []).map(
          (d: Doc) => `Dashboard: [${d.title}](${d.url})`,
        ),
        ...(doc.observability.kpis ?? []).map((k: Doc) =>
          `KPI: ${k.name} ${k.target ?? ''}`.trim(),
        ),
        ...(doc.observability.slos ?? []).map(
          (s: Doc) => `SLO: ${s.name}, ${s.objective}%`,
        ),
        ...(doc.observability.alerts ?? []).map(
          (a: Doc) => `Alert: [${a.title}](${a.url})`,
        ),
      ]),
  );
  add(
    'Owners',
    doc.owners &&
      list([
        `Operating owner: ${doc.owners.operatingOwner ?? 'not named'}`,
        `Support path: ${doc.owners.supportPath ?? 'not named'}`,
        ...Object.entries(doc.owners.raci ?? {}).map(
          ([k, v]) => `${k}: ${[v].flat().join(', ')}`,
        ),
      ]),
  );
  return out;
}

/**
 * The handoff packet as one Markdown document.
 *
 * @public
 */
export function handoffPacketMarkdown(packet: HandoffPacket): string {
  const { readiness, spec } = packet;
  const parts = [
    `# Handoff packet: ${readiness.title}`,
    `Entity \`${readiness.entityRef}\`, generated ${packet.generatedAt}.`,
    '## Where it stands',
    list([
      `Stage: ${STAGE_TITLES[readiness.stage]}${
        readiness.stageSince
          ? ` since ${readiness.stageSince.slice(0, 10)}`
          : ''
      }`,
      `Catalog owner: ${readiness.owner ?? 'none'}`,
      `Operating owner: ${readiness.operatingOwner ?? 'not named'}`,
      `Support path: ${readiness.supportPath ?? 'not named'}`,
      `Next review: ${readiness.nextReviewAt?.slice(0, 10) ?? 'not scheduled'}${
        readiness.overdue ? ' (overdue)' : ''
      }`,
      `Spec: ${
        spec
          ? `version ${spec.version}, ${spec.valid ? 'valid' : 'invalid'}`
          : 'none'
      }`,
      ...(readiness.transfer
        ? [
            `Ownership transfer to ${readiness.transfer.toOwner}: ${readiness.transfer.status}`,
          ]
        : []),
      ...((readiness.failingChecks ?? []).length
        ? [`Failing checks: ${readiness.failingChecks!.join(', ')}`]
        : []),
    ]),
    '## Gates',
    ...(readiness.gates ?? []).map(
      g =>
        `### ${DECISION_TITLES[g.decision]}: ${g.met ? 'met' : 'not met'}\n\n${
          g.requirements.length
            ? g.requirements
                .map(
                  r => `- [${r.met ? 'x' : ' '}] ${r.description}: ${r.reason}`,
                )
                .join('\n')
            : 'No requirements.'
        }`,
    ),
    '## Decisions',
    packet.decisions.length
      ? table(
          ['#', 'When', 'Who', 'Decision', 'Rationale', 'Exception'],
          packet.decisions.map(d => [
            d.sequence,
            d.createdAt.slice(0, 10),
            d.actor,
            DECISION_TITLES[d.decision as Decision] ?? d.decision,
            d.rationale,
            d.exception?.justification ?? '',
          ]),
        )
      : 'No decision recorded yet.',
    '## Checks',
    packet.checks.length
      ? table(
          ['Check', 'Kind', 'Result', 'Value', 'When'],
          packet.checks.map(c => [
            c.name,
            c.kind,
            c.status,
            c.value ?? '',
            c.createdAt.slice(0, 10),
          ]),
        )
      : 'No check result yet.',
    '## Handoff spec',
    ...(spec?.errors.length
      ? [`The spec is invalid:\n\n${list(spec.errors.map(formatSpecError))}`]
      : []),
    ...(spec?.document ? specSections(spec.document) : ['No spec.']),
  ];
  return `${parts.join('\n\n')}\n`;
}
