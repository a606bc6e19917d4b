import {
  PortfolioFacets,
  PortfolioFilter,
} from '@handoff/backstage-plugin-handoff-common';
import Card from '@material-ui/core/Card';
import CardActionArea from '@material-ui/core/CardActionArea';
import CardContent from '@material-ui/core/CardContent';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';

type Tile = {
  title: string;
  help: string;
  count: number;
  filter: Partial<PortfolioFilter>;
};

/** The numbers a platform team looks at first; each one opens its list. */
export function SummaryTiles(props: {
  facets: PortfolioFacets;
  scope?: PortfolioFilter['scope'];
  onSelect: (filter: Partial<PortfolioFilter>) => void;
}) {
  const { gap, spec, total, inView } = props.facets;
  const all = props.scope === 'all';
  const tiles: Tile[] = [
    {
      title: all ? 'Catalog entities' : 'Capabilities',
      help:
        all && inView
          ? `in this view, ${inView.capabilities} of them capabilities`
          : 'in this view',
      count: total,
      filter: { gap: undefined, spec: undefined },
    },
    {
      title: 'Overdue reviews',
      help: 'next review date has passed',
      count: inView?.overdue ?? gap.overdue,
      filter: { gap: ['overdue'] },
    },
    {
      title: 'Ownership gaps',
      help: 'owner not in the catalog, or no operating owner',
      // Distinct entities in the view: one with both gaps counts once.
      count:
        inView?.ownershipGaps ??
        gap['owner-unresolved'] + gap['no-operating-owner'],
      filter: { gap: ['owner-unresolved', 'no-operating-owner'] },
    },
    {
      title: 'Invalid specs',
      help: 'the latest handoff spec has errors',
      count: inView?.invalidSpecs ?? spec.invalid ?? 0,
      filter: { spec: ['invalid'] },
    },
  ];
  return (
    <Grid container spacing={2}>
      {tiles.map(tile => (
        <Grid item xs={12} sm={6} md={3} key={tile.title}>
          <Card>
            <CardActionArea
              onClick={() => props.onSelect(tile.filter)}
              aria-label={`${tile.title}: ${tile.count}`}
            >
              <CardContent>
                <Typography variant="overline">{tile.title}</Typography>
                <Typography variant="h3" component="p">
                  {tile.count}
                </Typography>
                <Typography variant="body2" color="textSecondary">
                  {tile.help}
                </Typography>
              </CardContent>
            </CardActionArea>
          </Card>
        </Grid>
      ))}
    </Grid>
  );
}
