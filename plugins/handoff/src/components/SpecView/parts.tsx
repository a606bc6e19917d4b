import { SafeLink } from '../SafeLink';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';
import { asArray, asObject, asText, Doc } from './values';

export const useStyles = makeStyles(theme => ({
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

export function SimpleTable(props: {
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

export function Bullets(props: { items: unknown[] }) {
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

/** An owner ref the catalog can read, or undefined ("group:" is not one). */
function ownerRef(text: string) {
  if (!/^(group|user):/i.test(text)) return undefined;
  try {
    return parseEntityRef(text);
  } catch {
    return undefined;
  }
}

/** An owner as a link to its entity; anything else, even a broken ref, as text. */
export const Ref = (props: { value: unknown }) => {
  const text = asText(props.value);
  const ref = ownerRef(text);
  return ref ? <EntityRefLink entityRef={ref} /> : <>{text}</>;
};

export function RiskChips(props: { risk: Doc }) {
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

export function rangeOf(field: Doc): string {
  const range = asObject(field.range);
  const values = asArray(field.values);
  if (values.length) return values.map(asText).join(', ');
  if (range.min === undefined && range.max === undefined) return '';
  return `${asText(range.min) || '…'} to ${asText(range.max) || '…'}`;
}

export function DataContracts(props: { contracts: unknown[] }) {
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

export function Links(props: { items: unknown[] }) {
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
