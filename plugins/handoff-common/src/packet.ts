import {
  WORK_ITEM_STATUS_TITLES,
  WorkItem,
  countWork,
  summarizeWork,
} from './work';
import { EXCEPTION_STATUS_TITLES, HandoffException } from './exceptions';
import type {
  CheckResultResponse,
  DecisionResponse,
  ReadinessSummary,
  ReviewCycle,
  SpecVersion,
} from './api';
import { REVIEW_CADENCE_DAYS } from './gateTypes';
import { DECISION_TITLES, Decision, STAGE_TITLES } from './lifecycle';
import { kpiHistory } from './review';
import {
  SPEC_ARTIFACTS,
  SPEC_ARTIFACT_TITLES,
  SpecArtifact,
  formatSpecError,
  handoffSpecSchema,
} from './spec';

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
  /** Every periodic review, newest first. */
  cycles: ReviewCycle[];
  /** The work its decisions and breaches created, oldest first. */
  work?: WorkItem[];
  /** Its exception requests, newest first, whatever their status. */
  exceptions?: HandoffException[];
};

type Doc = Record<string, any>;

const list = (items: string[]) => items.map(i => `- ${i}`).join('\n');

/**
 * Text someone wrote, made inert in Markdown: no HTML, no link or image of
 * its own (a link's target is only ever a checked http(s) URL of the spec's).
 */
const inert = (text: string) => text.replace(/[\\`<>[\]()!]/g, c => `\\${c}`);

/** The same for every text of a spec section, but its checked URLs. */
function inertSection(value: unknown, key?: string): unknown {
  if (typeof value === 'string') {
    return key === 'url' || key === 'link' ? value : inert(value);
  }
  if (Array.isArray(value)) return value.map(v => inertSection(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [inert(k), inertSection(v, k)]),
    );
  }
  return value;
}

const cell = (value: unknown) =>
  inert(String(value ?? ''))
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

/** Each artifact as Markdown, in the common artifact model's order and titles. */
const artifactMarkdown: Record<SpecArtifact, (v: any) => string> = {
  intent: v =>
    [v.problem, v.outcome && `Outcome: ${v.outcome}`]
      .filter(Boolean)
      .join('\n\n'),
  successCriteria: v =>
    table(
      ['Metric', 'Target', 'Measured by'],
      v.map((c: Doc) => [
        c.metric,
        `${c.target} ${c.unit ?? ''}`.trim(),
        c.measuredBy,
      ]),
    ),
  acceptanceCriteria: v => list(v),
  nonFunctionalRequirements: v =>
    list(v.map((n: Doc) => `${n.category}: ${n.requirement}`)),
  risk: v => list(Object.entries(v).map(([k, level]) => `${k}: ${level}`)),
  regulatoryConstraints: v =>
    list(v.map((r: Doc) => `${r.regulation}: ${r.requirement}`)),
  dataContracts: v =>
    v
      .map(
        (c: Doc) =>
          `**${c.name}** (source: ${
            c.provenance?.sourceSystem ?? 'not given'
          })\n\n${table(
            ['Field', 'Type', 'Nullable', 'Range or values', 'Drift tolerance'],
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
                  .map(([k, q]) => `${k} ${q}`)
                  .join(', ')}`
              : ''
          }`,
      )
      .join('\n\n'),
  features: v =>
    table(
      ['Feature', 'Success metric'],
      v.map((f: Doc) => [f.name, f.successMetric]),
    ),
  model: v =>
    [
      `Inputs: ${(v.inputs ?? []).map((i: Doc) => i.name).join(', ')}`,
      `Outputs: ${(v.outputs ?? []).map((i: Doc) => i.name).join(', ')}`,
      v.fallback && `Fallback: ${v.fallback}`,
      table(
        ['Failure mode', 'Detection', 'Mitigation'],
        (v.failureModes ?? []).map((m: Doc) => [
          m.mode,
          m.detection,
          m.mitigation,
        ]),
      ),
    ]
      .filter(Boolean)
      .join('\n\n'),
  testPlan: v =>
    [v.strategy, list((v.cases ?? []).map((c: Doc) => `${c.name} (${c.type})`))]
      .filter(Boolean)
      .join('\n\n'),
  deployment: v =>
    [
      (v.checklist ?? [])
        .map((i: Doc) => `- [${i.done ? 'x' : ' '}] ${i.item}`)
        .join('\n'),
      `Rollback: ${v.rollback?.procedure ?? 'not described yet'}`,
    ].join('\n\n'),
  observability: v =>
    list([
      ...(v.dashboards ?? []).map(
        (d: Doc) => `Dashboard: [${d.title}](${d.url})`,
      ),
      ...(v.kpis ?? []).map((k: Doc) =>
        `KPI: ${k.name} ${k.target ?? ''}`.trim(),
      ),
      ...(v.slos ?? []).map((s: Doc) => `SLO: ${s.name}, ${s.objective}%`),
      ...(v.alerts ?? []).map((a: Doc) => `Alert: [${a.title}](${a.url})`),
    ]),
  owners: v =>
    list([
      `Operating owner: ${v.operatingOwner ?? 'not named'}`,
      `Support path: ${v.supportPath ?? 'not named'}`,
      ...Object.entries(v.raci ?? {}).map(
        ([k, refs]) => `${k}: ${[refs].flat().join(', ')}`,
      ),
    ]),
  pilot: v =>
    list([
      ...(v.validatedBy ?? []).map((u: Doc) =>
        [`Validated by ${u.who}`, u.date && `on ${u.date}`, u.finding]
          .filter(Boolean)
          .join(', '),
      ),
      ...(v.usage ?? []).map(
        (u: Doc) => `Usage: ${u.metric} ${u.value} ${u.unit} per ${u.period}`,
      ),
      ...(v.feedback ?? []).map((l: Doc) => `Feedback: [${l.title}](${l.url})`),
      ...(v.exceptionLogs ?? []).map(
        (l: Doc) => `Exception log: [${l.title}](${l.url})`,
      ),
      ...(v.knownConstraints ?? []).map(
        (c: string) => `Known constraint: ${c}`,
      ),
    ]),
  deliveryWork: v =>
    table(
      ['Work', 'Team', 'Spec'],
      v.map((w: Doc) => [
        w.description ? `${w.title}: ${w.description}` : w.title,
        w.team,
        (w.specPaths ?? []).join(', '),
      ]),
    ),
};

/**
 * The spec's sections that are valid on their own, their text made inert,
 * and the sections that are not: the packet renders only what is valid.
 */
function readableSections(doc: Doc | undefined) {
  const valid: Doc = {};
  const invalid = new Set<SpecArtifact>();
  for (const a of SPEC_ARTIFACTS) {
    if (doc?.[a] === undefined) continue;
    const section = handoffSpecSchema.shape[a].safeParse(doc[a]);
    if (section.success) valid[a] = inertSection(section.data);
    else invalid.add(a);
  }
  return { valid, invalid };
}

/** Each section rendered; one that is not valid is named and left out. */
function specSections({ valid, invalid }: ReturnType<typeof readableSections>) {
  return SPEC_ARTIFACTS.filter(a => valid[a] !== undefined || invalid.has(a))
    .map(
      a =>
        [
          SPEC_ARTIFACT_TITLES[a],
          invalid.has(a)
            ? 'Not shown: this section is not valid (see the errors above).'
            : artifactMarkdown[a](valid[a]),
        ] as const,
    )
    .filter(([, body]) => Boolean(body))
    .map(([title, body]) => `### ${title}\n\n${body}`);
}

/** Each success criterion against what every review cycle measured. */
function kpiLines(cycles: ReviewCycle[], criteria: unknown): string {
  const targets = Array.isArray(criteria)
    ? criteria.filter(
        (c): c is { metric: string; target: number | string; unit?: string } =>
          typeof c?.metric === 'string',
      )
    : [];
  const history = kpiHistory(cycles, targets);
  const lines = targets.map(c => {
    const measured = history.find(
      h =>
        h.metric.toLocaleLowerCase('en-US') ===
        c.metric.toLocaleLowerCase('en-US'),
    );
    const target = `target ${c.target}${c.unit ? ` ${c.unit}` : ''}`;
    if (!measured)
      return `${inert(c.metric)} (${inert(
        target,
      )}): not measured at a review yet`;
    const points = measured.points
      .map(
        p =>
          `${p.reviewedAt.slice(0, 10)} ${inert(String(p.measured))} (${
            p.met ? 'met' : 'missed'
          })`,
      )
      .join(', ');
    return `${inert(c.metric)} (${inert(target)}): ${points}${
      measured.missedTwice ? ' — missed in the last two cycles' : ''
    }`;
  });
  return lines.length ? list(lines) : 'The spec names no success criteria.';
}

const usageText = (usage: ReviewCycle['readout']['usage']) =>
  'link' in usage
    ? `[usage](${usage.link})`
    : `${usage.value} ${usage.unit} ${usage.period}`;

/**
 * The operating playbook the method asks a hand-off to produce: how the
 * capability is used, reviewed and changed, its support path and escalation,
 * and its known risks, drawn from the spec, the history and the cycles.
 */
function playbook(packet: HandoffPacket, doc: Doc): string[] {
  const { readiness } = packet;
  const owners: Doc = doc.owners ?? {};
  const latest = packet.cycles[0];
  const tier = readiness.riskTier;
  const risk: Doc = doc.risk ?? {};
  const risks = [
    ...Object.entries(risk).map(
      ([dimension, level]) => `Risk: ${dimension} ${level}`,
    ),
    ...(doc.model?.failureModes ?? []).map(
      (f: Doc) => `Failure mode: ${f.mode}; mitigation: ${f.mitigation}`,
    ),
    ...(doc.pilot?.knownConstraints ?? []).map(
      (c: string) => `Known constraint: ${c}`,
    ),
    ...(doc.regulatoryConstraints ?? []).map(
      (r: Doc) => `Regulation: ${r.regulation}: ${r.requirement}`,
    ),
    ...(readiness.failingChecks ?? []).map(c => `Failing check: ${c}`),
    ...(latest
      ? [`Friction at the last review: ${latest.readout.friction}`]
      : []),
  ];
  return [
    '## Operating playbook',
    '### How it is used',
    list([
      `Purpose: ${doc.intent?.problem ?? 'not described'}`,
      ...(latest
        ? [`Usage at the last review: ${usageText(latest.readout.usage)}`]
        : (doc.pilot?.usage ?? []).map(
            (u: Doc) =>
              `Usage in the pilot: ${u.metric} ${u.value} ${u.unit} per ${u.period}`,
          )),
      ...(doc.observability?.dashboards ?? []).map(
        (d: Doc) => `Dashboard: [${d.title}](${d.url})`,
      ),
    ]),
    '### How it is reviewed',
    list([
      tier
        ? `Reviewed at least every ${
            readiness.reviewWithinDays ?? REVIEW_CADENCE_DAYS[tier]
          } days (${tier} risk), by its owner, who records usage, friction, incidents and the next change`
        : 'Reviewed by its owner on the date below',
      `Next review: ${readiness.nextReviewAt?.slice(0, 10) ?? 'not scheduled'}${
        readiness.overdue ? ' (overdue)' : ''
      }`,
      `Last review: ${
        readiness.lastReview
          ? `${readiness.lastReview.at.slice(0, 10)} by ${
              readiness.lastReview.by
            }`
          : 'none yet'
      }`,
    ]),
    '### How it is changed',
    list([
      'Every change to the spec is kept as a new version, with who or what read it',
      'A review that finds something to fix records "Harden further", which takes it back through a readiness review',
      ...(latest ? [`Next change planned: ${latest.readout.nextChange}`] : []),
      `Rollback: ${doc.deployment?.rollback?.procedure ?? 'not described yet'}`,
    ]),
    '### Support and escalation',
    list([
      `Support path: ${owners.supportPath ?? 'not named'}`,
      `Operating owner: ${owners.operatingOwner ?? 'not named'}`,
      `Accountable: ${owners.raci?.accountable ?? 'not named'}`,
      ...(doc.observability?.alerts ?? []).map(
        (a: Doc) => `Alert: [${a.title}](${a.url})`,
      ),
    ]),
    '### Known risks',
    risks.length ? list(risks) : 'None recorded.',
    '### Success criteria after hand-off',
    kpiLines(packet.cycles, doc.successCriteria),
    '### Review cycles',
    packet.cycles.length
      ? table(
          [
            '#',
            'When',
            'Who',
            'Usage',
            'Friction',
            'Incidents',
            'Next change',
            'Spec changed',
            'Next review',
          ],
          packet.cycles.map(c => [
            c.sequence,
            c.reviewedAt.slice(0, 10),
            c.reviewedBy,
            usageText(c.readout.usage),
            c.readout.friction,
            c.readout.incidents,
            c.readout.nextChange,
            c.changes.length
              ? c.changes
                  .map(
                    ch => `${SPEC_ARTIFACT_TITLES[ch.artifact]} ${ch.change}`,
                  )
                  .join(', ')
              : 'nothing',
            c.nextReviewAt?.slice(0, 10) ?? '',
          ]),
        )
      : 'No review recorded yet.',
  ];
}

/**
 * The handoff packet as one Markdown document.
 *
 * @public
 */
export function handoffPacketMarkdown(packet: HandoffPacket): string {
  const { readiness, spec } = packet;
  const sections = readableSections(spec?.document);
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
      ...((readiness.reviewRequired ?? []).length
        ? [
            `**Review required**: ${readiness.reviewRequired!.join(
              ', ',
            )} failed; gated decisions wait for a passing result`,
          ]
        : []),
      ...((readiness.failingChecks ?? []).length
        ? [`Failing checks: ${readiness.failingChecks!.join(', ')}`]
        : []),
    ]),
    ...playbook(packet, sections.valid),
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
    '## Exceptions',
    packet.exceptions?.length
      ? table(
          [
            'Requirement waived',
            'Why',
            'Status',
            'Until',
            'Requested by',
            'Answered by',
          ],
          packet.exceptions.map(e => [
            e.requirementDescription,
            e.justification,
            `${EXCEPTION_STATUS_TITLES[e.status]}${
              e.revokedBy ? ` by ${e.revokedBy}: ${e.revokeNote ?? ''}` : ''
            }`,
            e.until,
            `${e.requestedBy}, ${e.requestedAt.slice(0, 10)}`,
            e.answeredBy
              ? `${e.answeredBy}, ${e.answeredAt?.slice(0, 10)}: ${
                  e.answerNote ?? ''
                }`
              : '',
          ]),
        )
      : 'No exception requested.',
    '## Work',
    packet.work?.length
      ? `${summarizeWork(countWork(packet.work))}.\n\n${table(
          ['Work', 'Assignee', 'Due', 'Status', 'Ticket'],
          packet.work.map(w => [
            w.title,
            w.assignee ?? '',
            w.dueAt?.slice(0, 10) ?? '',
            `${WORK_ITEM_STATUS_TITLES[w.status]}${
              w.statusNote ? ` (${w.statusNote})` : ''
            }`,
            w.ticket?.id ?? '',
          ]),
        )}`
      : 'No work items.',
    '## Checks',
    packet.checks.length
      ? table(
          ['Check', 'Kind', 'Result', 'Value', 'Reported by', 'When'],
          packet.checks.map(c => [
            c.name,
            c.kind,
            c.status,
            c.value ?? '',
            c.manual ? `${c.reporter} (manual)` : c.reporter,
            c.createdAt.slice(0, 10),
          ]),
        )
      : 'No check result yet.',
    '## Handoff spec',
    ...(spec?.errors.length
      ? [`The spec is invalid:\n\n${list(spec.errors.map(formatSpecError))}`]
      : []),
    ...(spec?.document ? specSections(sections) : ['No spec.']),
  ];
  return `${parts.join('\n\n')}\n`;
}
