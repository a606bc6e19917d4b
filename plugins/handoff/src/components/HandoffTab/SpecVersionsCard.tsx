import { InfoCard, Progress } from '@backstage/core-components';
import { SpecDiffResponse } from '@handoff/backstage-plugin-handoff-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { useEntityRef, useSpecVersions } from '../../hooks/useEntitySpec';
import { HandoffErrorPanel } from '../HandoffErrorPanel';

const CHANGE_WORDS = { added: 'added', removed: 'removed', changed: 'changed' };

function DiffSummary(props: { diff: SpecDiffResponse }) {
  const { diff } = props;
  return (
    <div aria-label="Spec differences">
      <Typography variant="subtitle1">
        Version {diff.from.version} → version {diff.to.version}
      </Typography>
      {diff.changes.length === 0 ? (
        <Typography variant="body2">No artifact changed.</Typography>
      ) : (
        <ul>
          {diff.changes.map(c => (
            <li key={c.artifact}>
              <Typography variant="body2">
                {c.artifact}: {CHANGE_WORDS[c.change]}
              </Typography>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Every stored version of the spec, and which artifacts changed between two of them. */
export function SpecVersionsCard(props: { revision?: number } = {}) {
  const { value, loading, error } = useSpecVersions(props.revision);
  const { ref, api } = useEntityRef();
  const [selected, setSelected] = useState<number[]>([]);
  const [diff, setDiff] = useState<SpecDiffResponse>();
  const [diffError, setDiffError] = useState<Error>();

  if (loading) return <Progress />;
  if (error) return <HandoffErrorPanel error={error} />;

  const compare = async () => {
    const [a, b] = [...selected].sort((x, y) => x - y);
    setDiffError(undefined);
    try {
      setDiff(await api.diffSpecVersions(ref, a, b));
    } catch (e) {
      setDiffError(e as Error);
    }
  };

  const toggle = (version: number) =>
    setSelected(current =>
      current.includes(version)
        ? current.filter(v => v !== version)
        : [...current, version].slice(-2),
    );

  return (
    <InfoCard
      title="Spec versions"
      subheader="Select two versions to see which artifacts changed"
    >
      <Table size="small" aria-label="Spec versions">
        <TableHead>
          <TableRow>
            <TableCell padding="checkbox" />
            <TableCell>Version</TableCell>
            <TableCell>Valid</TableCell>
            <TableCell>First seen</TableCell>
            <TableCell>Last seen</TableCell>
            <TableCell>Content hash</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {(value?.items ?? []).map(v => (
            <TableRow key={v.version} selected={selected.includes(v.version)}>
              <TableCell padding="checkbox">
                <Checkbox
                  checked={selected.includes(v.version)}
                  onChange={() => toggle(v.version)}
                  inputProps={{ 'aria-label': `Select version ${v.version}` }}
                />
              </TableCell>
              <TableCell>{v.version}</TableCell>
              <TableCell>
                {v.valid ? 'yes' : `no, ${v.errorCount} errors`}
              </TableCell>
              <TableCell>{new Date(v.firstSeenAt).toLocaleString()}</TableCell>
              <TableCell>{new Date(v.lastSeenAt).toLocaleString()}</TableCell>
              <TableCell>
                <code>{v.contentHash.slice(0, 12)}</code>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Button
        variant="contained"
        color="primary"
        disabled={selected.length !== 2}
        onClick={compare}
        style={{ marginTop: 8 }}
      >
        Compare selected versions
      </Button>
      {diffError && <HandoffErrorPanel error={diffError} />}
      {diff && <DiffSummary diff={diff} />}
    </InfoCard>
  );
}
