import Grid from '@material-ui/core/Grid';
import { useState } from 'react';
import { HandoffCard } from '../HandoffCard';
import {
  ChecksCard,
  CredentialsCard,
  CyclesCard,
  DecisionTimeline,
  ExceptionsCard,
  ReadinessSection,
  WorkCard,
} from '../Readiness';
import { SpecCard } from './SpecCard';
import { SpecVersionsCard } from './SpecVersionsCard';

/**
 * The Handoff tab of an entity page: where it stands and what its gates lack,
 * the decisions so far, its checks, the work its decisions created, its
 * review cycles, its spec and the spec's history.
 *
 * @public
 */
export function HandoffTab() {
  // Bumped after every write, so each card reloads what it shows.
  const [revision, setRevision] = useState(0);
  const changed = () => setRevision(r => r + 1);
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={8}>
        <ReadinessSection revision={revision} onChange={changed} />
      </Grid>
      <Grid item xs={12} md={4}>
        <HandoffCard revision={revision} />
      </Grid>
      <Grid item xs={12} md={6}>
        <DecisionTimeline revision={revision} />
      </Grid>
      <Grid item xs={12} md={6}>
        <ChecksCard revision={revision} />
      </Grid>
      <Grid item xs={12}>
        <CredentialsCard revision={revision} />
      </Grid>
      <Grid item xs={12}>
        <ExceptionsCard revision={revision} onChange={changed} />
      </Grid>
      <Grid item xs={12}>
        <WorkCard revision={revision} onChange={changed} />
      </Grid>
      <Grid item xs={12}>
        <CyclesCard revision={revision} />
      </Grid>
      <Grid item xs={12}>
        <SpecCard revision={revision} onChange={changed} />
      </Grid>
      <Grid item xs={12}>
        <SpecVersionsCard revision={revision} />
      </Grid>
    </Grid>
  );
}
