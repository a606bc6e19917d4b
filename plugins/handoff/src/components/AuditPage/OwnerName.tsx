import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';

/**
 * An owner as people know it: its display name linking to its page, the ref
 * on hover. One the catalog does not know is shown whole, in the error
 * colour, and never broken mid-word.
 */
export function OwnerName(props: {
  owner?: string;
  title?: string;
  resolves: boolean;
}) {
  const { owner, title, resolves } = props;
  if (!owner) {
    return (
      <Typography color="error" variant="body2">
        No owner
      </Typography>
    );
  }
  if (!resolves) {
    return (
      <Tooltip title="Not in the catalog: nobody can be reached through it">
        <Typography
          color="error"
          variant="body2"
          style={{ whiteSpace: 'nowrap' }}
        >
          {owner} (not in the catalog)
        </Typography>
      </Tooltip>
    );
  }
  return (
    <Tooltip title={owner}>
      <span style={{ whiteSpace: 'nowrap' }}>
        <EntityRefLink entityRef={owner} defaultKind="group" title={title} />
      </span>
    </Tooltip>
  );
}
