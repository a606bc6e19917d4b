import Grid from '@material-ui/core/Grid';
import { HandoffCard } from '../HandoffCard';
import { SpecCard } from './SpecCard';
import { SpecVersionsCard } from './SpecVersionsCard';

/**
 * The Handoff tab of an entity page: where it stands, its spec and the spec's history.
 *
 * @public
 */
export function HandoffTab() {
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={8}>
        <SpecCard />
      </Grid>
      <Grid item xs={12} md={4}>
        <HandoffCard />
      </Grid>
      <Grid item xs={12}>
        <SpecVersionsCard />
      </Grid>
    </Grid>
  );
}
