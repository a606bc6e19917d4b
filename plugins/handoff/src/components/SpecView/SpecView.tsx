import { SafeLink } from '../SafeLink';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  SPEC_ARTIFACTS,
  SpecArtifact,
  SpecError,
  formatSpecError,
} from '@handoff/backstage-plugin-handoff-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import CheckBoxIcon from '@material-ui/icons/CheckBox';
import CheckBoxOutlineBlankIcon from '@material-ui/icons/CheckBoxOutlineBlank';
import { ReactNode } from 'react';
import { asArray, asList, asObject, asText, Doc } from './values';

const useStyles = makeStyles(theme => ({
  section: { marginBottom: theme.spacing(3) },
  risk: { marginRight: theme.spacing(1), marginBottom: theme.spacing(1) },
  high: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  medium: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  low: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
}));

const TITLES: Record<SpecArtifact, string> = {
  intent: 'Intent',
  successCriteria: 'Success criteria',
  acceptanceCriteria: 'Acceptance criteria',
  nonFunctionalRequirements: 'Non-functional requirements',
  risk: 'Risk profile',
  regulatoryConstraints: 'Regulatory constraints',
  dataContracts: 'Data contracts',
  features: 'Features',
  model: 'Model requirements',
  testPlan: 'Test plan',
  deployment: 'Deployment checklist and rollback',
  observability: 'Observability',
  owners: 'Owners',
};

function SimpleTable(props: {
  head: string[];
  rows: ReactNode[][];
  label: string;
}) {
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          {props.head.map(h => (
            <TableCell key={h}>{h}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {props.rows.map((row, i) => (
          <TableRow key={i}>
            {row.map((cell, j) => (
              <TableCell key={j}>{cell}</TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Bullets(props: { items: unknown[] }) {
  return (
    <ul>
      {props.items.map((item, i) => (
        <li key={i}>
          <Typography variant="body2">{asText(item)}</Typography>
        </li>
      ))}
    </ul>
  );
}

const Ref = (props: { value: unknown }) => {
  const text = asText(props.value);
  return /^(group|user):/i.test(text) ? (
    <EntityRefLink entityRef={text} />
  ) : (
    <>{text}</>
  );
};

function RiskChips(props: { risk: Doc }) {
  const classes = useStyles();
  const names: Record<string, string> = {
    data: 'Data',
    customerImpact: 'Customer impact',
    compliance: 'Compliance',
    operationalDependency: 'Operational dependency',
  };
  return (
    <Box>
      {Object.entries(names).map(([key, title]) => {
        const level = asText(props.risk[key]);
        const known = level === 'low' || level === 'medium' || level === 'high';
        return (
          <Chip
            key={key}
            label={`${title}: ${level || 'not set'}`}
            className={`${classes.risk} ${
              known ? classes[level as 'low'] : ''
            }`}
          />
        );
      })}
    </Box>
  );
}

function rangeOf(field: Doc): string {
  const range = asObject(field.range);
  const values = asArray(field.values);
  if (values.length) return values.map(asText).join(', ');
  if (range.min === undefined && range.max === undefined) return '';
  return `${asText(range.min) || '…'} to ${asText(range.max) || '…'}`;
}

function DataContracts(props: { contracts: unknown[] }) {
  return (
    <>
      {props.contracts.map((value, i) => {
        const contract = asObject(value);
        const provenance = asObject(contract.provenance);
        const quality = asObject(contract.quality);
        return (
          <Box key={i} mb={2}>
            <Typography variant="subtitle1">{asText(contract.name)}</Typography>
            {contract.description !== undefined && (
              <Typography variant="body2">
                {asText(contract.description)}
              </Typography>
            )}
            <Typography variant="body2" color="textSecondary">
              Source: {asText(provenance.sourceSystem) || 'not given'}
              {provenance.owner !== undefined && (
                <>
                  {' '}
                  (owned by <Ref value={provenance.owner} />)
                </>
              )}
              {provenance.refresh !== undefined &&
                `, refreshed ${asText(provenance.refresh)}`}
            </Typography>
            <SimpleTable
              label={`Fields of ${asText(contract.name)}`}
              head={[
                'Field',
                'Type',
                'Nullable',
                'Allowed values',
                'Drift tolerance',
              ]}
              rows={Object.entries(asObject(contract.fields)).map(
                ([name, raw]) => {
                  const field = asObject(raw);
                  const drift = asObject(field.driftTolerance);
                  return [
                    name,
                    asText(field.type),
                    field.nullable ? 'yes' : 'no',
                    rangeOf(field),
                    drift.metric
                      ? `${asText(drift.metric)} ≤ ${asText(drift.threshold)}`
                      : 'none',
                  ];
                },
              )}
            />
            {Object.keys(quality).length > 0 && (
              <Typography variant="body2">
                Quality:{' '}
                {Object.entries(quality)
                  .map(([k, v]) => `${k} ${asText(v)}`)
                  .join(', ')}
              </Typography>
            )}
          </Box>
        );
      })}
    </>
  );
}

function Links(props: { items: unknown[] }) {
  return (
    <ul>
      {props.items.map((raw, i) => {
        const item = asObject(raw);
        return (
          <li key={i}>
            <SafeLink url={asText(item.url)}>
              {asText(item.title) || asText(item.url)}
            </SafeLink>
          </li>
        );
      })}
    </ul>
  );
}

function ArtifactBody(props: { artifact: SpecArtifact; value: unknown }) {
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
    default:
      return null;
  }
}

/** The errors that belong to one artifact (or to the file as a whole). */
export function errorsFor(errors: SpecError[], artifact: string | undefined) {
  return errors.filter(e => {
    const top = e.path.split(/[.[]/)[0];
    return artifact === undefined
      ? !(SPEC_ARTIFACTS as readonly string[]).includes(top)
      : top === artifact;
  });
}

function ErrorList(props: { errors: SpecError[] }) {
  if (props.errors.length === 0) return null;
  return (
    <Alert severity="error" style={{ marginBottom: 8 }}>
      {props.errors.map((e, i) => (
        <div key={i}>{formatSpecError(e)}</div>
      ))}
    </Alert>
  );
}

/**
 * A handoff spec rendered for reading: every artifact it carries, each with
 * the validation errors that belong to it.
 */
export function SpecView(props: { document?: Doc; errors: SpecError[] }) {
  const classes = useStyles();
  const document = props.document ?? {};
  const present = SPEC_ARTIFACTS.filter(
    a => document[a] !== undefined || errorsFor(props.errors, a).length,
  );
  const missing = SPEC_ARTIFACTS.filter(a => !present.includes(a));
  return (
    <>
      <ErrorList errors={errorsFor(props.errors, undefined)} />
      {present.map(artifact => (
        <section
          key={artifact}
          className={classes.section}
          aria-label={TITLES[artifact]}
        >
          <Typography variant="h6">{TITLES[artifact]}</Typography>
          <ErrorList errors={errorsFor(props.errors, artifact)} />
          {document[artifact] !== undefined && (
            <ArtifactBody artifact={artifact} value={document[artifact]} />
          )}
        </section>
      ))}
      {missing.length > 0 && (
        <Typography variant="body2" color="textSecondary">
          Not in this spec yet: {missing.map(a => TITLES[a]).join(', ')}.
        </Typography>
      )}
    </>
  );
}
