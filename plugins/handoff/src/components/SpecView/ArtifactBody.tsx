import { SpecArtifact } from '@handoff/backstage-plugin-handoff-common';
import Typography from '@material-ui/core/Typography';
import CheckBoxIcon from '@material-ui/icons/CheckBox';
import CheckBoxOutlineBlankIcon from '@material-ui/icons/CheckBoxOutlineBlank';
import { asArray, asList, asObject, asText } from './values';

import {
  Bullets,
  DataContracts,
  Links,
  Ref,
  RiskChips,
  SimpleTable,
} from './parts';

/** One artifact of a spec, rendered for reading (the document may be invalid). */
export function ArtifactBody(props: {
  artifact: SpecArtifact;
  value: unknown;
}) {
  const { artifact, value } = props;
  const doc = asObject(value);
  switch (artifact) {
    case 'intent':
      return (
        <>
          <Typography variant="body1">{asText(doc.problem)}</Typography>
          {doc.outcome !== undefined && (
            <Typography variant="body2" color="textSecondary">
              Outcome: {asText(doc.outcome)}
            </Typography>
          )}
        </>
      );
    case 'successCriteria':
      return (
        <SimpleTable
          label="Success criteria"
          head={['Metric', 'Target', 'Measured by']}
          rows={asArray(value).map(raw => {
            const c = asObject(raw);
            return [
              asText(c.metric),
              `${asText(c.target)} ${asText(c.unit)}`.trim(),
              asText(c.measuredBy),
            ];
          })}
        />
      );
    case 'acceptanceCriteria':
      return <Bullets items={asArray(value)} />;
    case 'nonFunctionalRequirements':
      return (
        <Bullets
          items={asArray(value).map(
            raw =>
              `${asText(asObject(raw).category)}: ${asText(
                asObject(raw).requirement,
              )}`,
          )}
        />
      );
    case 'risk':
      return <RiskChips risk={doc} />;
    case 'regulatoryConstraints':
      return (
        <Bullets
          items={asArray(value).map(
            raw =>
              `${asText(asObject(raw).regulation)}: ${asText(
                asObject(raw).requirement,
              )}`,
          )}
        />
      );
    case 'dataContracts':
      return <DataContracts contracts={asArray(value)} />;
    case 'features':
      return (
        <SimpleTable
          label="Features"
          head={['Feature', 'Success metric']}
          rows={asArray(value).map(raw => [
            asText(asObject(raw).name),
            asText(asObject(raw).successMetric),
          ])}
        />
      );
    case 'model': {
      const evaluation = asObject(doc.evaluationMetric);
      return (
        <>
          <Typography variant="body2">
            Inputs:{' '}
            {asArray(doc.inputs)
              .map(i => asText(asObject(i).name))
              .join(', ')}
          </Typography>
          <Typography variant="body2">
            Outputs:{' '}
            {asArray(doc.outputs)
              .map(i => asText(asObject(i).name))
              .join(', ')}
          </Typography>
          {doc.fallback !== undefined && (
            <Typography variant="body2">
              Fallback: {asText(doc.fallback)}
            </Typography>
          )}
          {doc.evaluationMetric !== undefined && (
            <Typography variant="body2">
              Evaluation: {asText(evaluation.name)} at least{' '}
              {asText(evaluation.threshold)}
            </Typography>
          )}
          <SimpleTable
            label="Failure modes"
            head={['Failure mode', 'Detection', 'Mitigation']}
            rows={asArray(doc.failureModes).map(raw => {
              const m = asObject(raw);
              return [
                asText(m.mode),
                asText(m.detection),
                asText(m.mitigation),
              ];
            })}
          />
        </>
      );
    }
    case 'testPlan':
      return (
        <>
          {doc.strategy !== undefined && (
            <Typography variant="body2">{asText(doc.strategy)}</Typography>
          )}
          <SimpleTable
            label="Test cases"
            head={['Test', 'Type']}
            rows={asArray(doc.cases).map(raw => [
              asText(asObject(raw).name),
              asText(asObject(raw).type),
            ])}
          />
        </>
      );
    case 'deployment': {
      const rollback = asObject(doc.rollback);
      return (
        <>
          <ul style={{ listStyle: 'none', paddingLeft: 0 }}>
            {asArray(doc.checklist).map((raw, i) => {
              const item = asObject(raw);
              return (
                <li
                  key={i}
                  style={{ display: 'flex', alignItems: 'center', gap: 8 }}
                >
                  {item.done ? (
                    <CheckBoxIcon fontSize="small" titleAccess="done" />
                  ) : (
                    <CheckBoxOutlineBlankIcon
                      fontSize="small"
                      titleAccess="not done"
                    />
                  )}
                  <Typography variant="body2">{asText(item.item)}</Typography>
                </li>
              );
            })}
          </ul>
          <Typography variant="body2">
            Rollback:{' '}
            {doc.rollback === undefined
              ? 'not described yet'
              : asText(rollback.procedure)}
            {rollback.maxMinutes !== undefined &&
              ` (within ${asText(rollback.maxMinutes)} minutes)`}
          </Typography>
        </>
      );
    }
    case 'observability':
      return (
        <>
          {asArray(doc.dashboards).length > 0 && (
            <>
              <Typography variant="subtitle2">Dashboards</Typography>
              <Links items={asArray(doc.dashboards)} />
            </>
          )}
          {asArray(doc.kpis).length > 0 && (
            <>
              <Typography variant="subtitle2">KPIs</Typography>
              <Bullets
                items={asArray(doc.kpis).map(k =>
                  `${asText(asObject(k).name)} ${asText(
                    asObject(k).target,
                  )}`.trim(),
                )}
              />
            </>
          )}
          {asArray(doc.slos).length > 0 && (
            <>
              <Typography variant="subtitle2">SLOs</Typography>
              <Bullets
                items={asArray(doc.slos).map(raw => {
                  const s = asObject(raw);
                  return `${asText(s.name)}: ${asText(s.objective)}%${
                    s.window ? ` over ${asText(s.window)}` : ''
                  }`;
                })}
              />
            </>
          )}
          {asArray(doc.alerts).length > 0 && (
            <>
              <Typography variant="subtitle2">Alerts</Typography>
              <Links items={asArray(doc.alerts)} />
            </>
          )}
        </>
      );
    case 'owners': {
      const raci = asObject(doc.raci);
      const refs = (v: unknown) =>
        asList(v).map((r, i) => (
          <span key={i}>
            {i > 0 && ', '}
            <Ref value={r} />
          </span>
        ));
      return (
        <SimpleTable
          label="Owners"
          head={['Role', 'Who']}
          rows={[
            [
              'Operating owner',
              doc.operatingOwner ? (
                <Ref value={doc.operatingOwner} />
              ) : (
                'not named yet'
              ),
            ],
            [
              'Support path',
              doc.supportPath ? (
                <Ref value={doc.supportPath} />
              ) : (
                'not named yet'
              ),
            ],
            ['Responsible', refs(raci.responsible)],
            ['Accountable', refs(raci.accountable)],
            ['Consulted', refs(raci.consulted)],
            ['Informed', refs(raci.informed)],
          ]}
        />
      );
    }
    case 'pilot':
      return (
        <>
          {asArray(doc.validatedBy).length > 0 && (
            <SimpleTable
              label="Validated by"
              head={['Validated by', 'When', 'Finding']}
              rows={asArray(doc.validatedBy).map(raw => {
                const v = asObject(raw);
                return [
                  <Ref value={v.who} />,
                  asText(v.date),
                  asText(v.finding),
                ];
              })}
            />
          )}
          {asArray(doc.usage).length > 0 && (
            <SimpleTable
              label="Pilot usage"
              head={['Usage', 'Figure', 'Period']}
              rows={asArray(doc.usage).map(raw => {
                const u = asObject(raw);
                return [
                  asText(u.metric),
                  `${asText(u.value)} ${asText(u.unit)}`,
                  asText(u.period),
                ];
              })}
            />
          )}
          {asArray(doc.feedback).length > 0 && (
            <>
              <Typography variant="subtitle2">Feedback</Typography>
              <Links items={asArray(doc.feedback)} />
            </>
          )}
          {asArray(doc.exceptionLogs).length > 0 && (
            <>
              <Typography variant="subtitle2">Exception logs</Typography>
              <Links items={asArray(doc.exceptionLogs)} />
            </>
          )}
          {asArray(doc.knownConstraints).length > 0 && (
            <>
              <Typography variant="subtitle2">Known constraints</Typography>
              <Bullets items={asArray(doc.knownConstraints)} />
            </>
          )}
        </>
      );
    default:
      return null;
  }
}
