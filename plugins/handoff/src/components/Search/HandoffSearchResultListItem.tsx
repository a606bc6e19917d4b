import { Link } from '@backstage/core-components';
import { SearchDocument } from '@backstage/plugin-search-common';
import {
  CapabilitySearchDocument,
  isStage,
} from '@handoff/backstage-plugin-handoff-common';
import Box from '@material-ui/core/Box';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { StageChip } from '../StageChip';

/** A `handoff` search document: what the search module indexes. */
type HandoffDocument = SearchDocument &
  Partial<Omit<CapabilitySearchDocument, 'title' | 'text' | 'location'>>;

const RISK = { low: 'Low risk', medium: 'Medium risk', high: 'High risk' };

/**
 * What a search page gives a result item.
 *
 * @public
 */
export type HandoffSearchResultListItemProps = {
  result?: SearchDocument;
  icon?: ReactNode;
  rank?: number;
};

/**
 * A capability in portal search: its stage at a glance, then who owns it,
 * its risk tier, when it is next reviewed and the problem it solves.
 *
 * @public
 */
export function HandoffSearchResultListItem(
  props: HandoffSearchResultListItemProps,
) {
  const doc = props.result as HandoffDocument | undefined;
  if (!doc) return null;
  const facts = [
    doc.ownerTitle ?? doc.owner,
    doc.operatingOwner &&
      doc.operatingOwner !== doc.owner &&
      `operated by ${doc.operatingOwnerTitle ?? doc.operatingOwner}`,
    doc.riskTier && RISK[doc.riskTier],
    doc.nextReviewAt &&
      `next review ${new Date(doc.nextReviewAt).toLocaleDateString()}`,
  ].filter(Boolean);
  return (
    <ListItem alignItems="flex-start" divider>
      {props.icon && <ListItemIcon>{props.icon}</ListItemIcon>}
      <ListItemText
        primaryTypographyProps={{ variant: 'h6' }}
        primary={
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Link to={doc.location}>{doc.title}</Link>
            {isStage(doc.stage) && <StageChip stage={doc.stage} />}
          </Box>
        }
        secondary={
          <>
            <Typography variant="body2" color="textPrimary" component="span">
              {doc.problem ?? doc.text}
            </Typography>
            <Typography
              variant="body2"
              color="textSecondary"
              component="span"
              style={{ display: 'block' }}
            >
              {facts.join(' · ')}
            </Typography>
          </>
        }
      />
    </ListItem>
  );
}
