import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  PortfolioQuery,
  STAGES,
  STAGE_TITLES,
} from '@handoff/backstage-plugin-handoff-common';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import { useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { handoffApiRef } from '../../api';
import { useDownload } from '../useDownload';
import { AuditFilters } from './AuditFilters';
import { CatalogSync } from './CatalogSync';
import { FlowCard } from './FlowCard';
import { AuditExceptionsCard } from './AuditExceptionsCard';
import { BarList } from './BarList';
import { OwnerRollup } from './OwnerRollup';
import { PortfolioTable } from './PortfolioTable';
import { SummaryTiles } from './SummaryTiles';
import { useAuditFilters } from './useAuditFilters';
import { HandoffErrorPanel } from '../HandoffErrorPanel';

/** A refusal by the permission policy (403), as the API client reports it. */
const isForbidden = (error: Error) =>
  (error as { statusCode?: number }).statusCode === 403 ||
  error.name === 'NotAllowedError' ||
  (error as { body?: { error?: { name?: string } } }).body?.error?.name ===
    'NotAllowedError';

function CsvDownload(props: {
  query: () => Omit<Partial<PortfolioQuery>, 'offset' | 'limit'>;
}) {
  const api = useApi(handoffApiRef);
  const { busy, download } = useDownload('Could not export the list');
  return (
    <Button
      variant="outlined"
      color="primary"
      disabled={busy}
      onClick={() =>
        download(
          () => api.getPortfolioCsv(props.query()),
          'handoff-portfolio.csv',
        )
      }
    >
      {busy ? 'Preparing the CSV…' : 'Download CSV'}
    </Button>
  );
}

/**
 * The portfolio audit: ownership, readiness and overdue reviews across the
 * whole catalog, filtered in the URL so a view can be shared.
 *
 * @public
 */
export function AuditPage() {
  const api = useApi(handoffApiRef);
  const { filter, filterKey, update, clear } = useAuditFilters();
  const sort = useRef<Pick<PortfolioQuery, 'sort' | 'order'>>({
    sort: 'entityRef',
    order: 'asc',
  });
  // Bumped when a catalog sync finishes: the figures are read again.
  const [synced, setSynced] = useState(0);
  const facets = useAsync(
    () => api.getPortfolioFacets(filter),
    [api, filterKey, synced],
  );
  const owners = useAsync(
    () => api.getPortfolioOwners(filter),
    [api, filterKey, synced],
  );
  const error = facets.error ?? owners.error;

  return (
    <Page themeId="tool">
      <Header
        title="Handoff audit"
        subtitle="Ownership, readiness and reviews across the whole catalog"
      />
      <Content>
        <ContentHeader title="Portfolio">
          <CsvDownload query={() => ({ ...filter, ...sort.current })} />
        </ContentHeader>
        {error && isForbidden(error) && (
          <WarningPanel
            severity="info"
            title="The audit is for auditors"
            defaultExpanded
          >
            The audit lists every capability&apos;s owners, decisions and
            rationale across the catalog, so only people allowed to audit
            Handoff (the handoff.audit.read permission, usually the platform
            team) see it. Ask your platform team to add you if your work needs
            it; each capability&apos;s own Handoff tab stays open to you.
          </WarningPanel>
        )}
        {error && !isForbidden(error) && <HandoffErrorPanel error={error} />}
        {!error && (
          <Grid container spacing={3}>
            <Grid item xs={12} md="auto">
              <ToggleButtonGroup
                exclusive
                size="small"
                aria-label="What the audit lists"
                value={filter.scope ?? 'capabilities'}
                onChange={(_e, scope) =>
                  scope &&
                  update({
                    scope: scope === 'all' ? 'all' : undefined,
                  })
                }
              >
                <ToggleButton value="capabilities">Capabilities</ToggleButton>
                <ToggleButton value="all">All catalog entities</ToggleButton>
              </ToggleButtonGroup>
            </Grid>
            <Grid item xs={12} md>
              <CatalogSync onSynced={() => setSynced(n => n + 1)} />
            </Grid>
            <Grid item xs={12}>
              <AuditFilters
                filter={filter}
                facets={facets.value}
                onChange={update}
                onClear={clear}
              />
            </Grid>
            <Grid item xs={12}>
              {facets.loading || !facets.value ? (
                <Progress />
              ) : (
                <SummaryTiles
                  facets={facets.value}
                  scope={filter.scope}
                  onSelect={update}
                />
              )}
            </Grid>
            <Grid item xs={12} data-testid="handoff-audit-table">
              <PortfolioTable
                filter={filter}
                filterKey={`${filterKey}#${synced}`}
                onSortChange={s => {
                  sort.current = s;
                }}
              />
            </Grid>
            <Grid item xs={12} md={6}>
              <InfoCard title="By stage">
                {facets.value ? (
                  <BarList
                    testId="handoff-audit-stages"
                    empty="Nothing in this view."
                    items={STAGES.filter(s => facets.value!.stage[s]).map(
                      s => ({
                        key: s,
                        label: STAGE_TITLES[s],
                        count: facets.value!.stage[s]!,
                      }),
                    )}
                  />
                ) : (
                  <Progress />
                )}
              </InfoCard>
            </Grid>
            <Grid item xs={12} md={6}>
              <InfoCard title="Largest owners">
                {owners.value ? (
                  <BarList
                    testId="handoff-audit-owners"
                    empty="Nothing in this view."
                    items={owners.value.items.slice(0, 8).map(o => ({
                      key: o.owner ?? 'none',
                      label:
                        o.ownerTitle ??
                        (o.owner && !o.ownerResolves
                          ? `${o.owner} (not in the catalog)`
                          : o.owner) ??
                        'No owner',
                      count: o.total,
                    }))}
                  />
                ) : (
                  <Progress />
                )}
              </InfoCard>
            </Grid>
            <Grid item xs={12}>
              <FlowCard filter={filter} />
            </Grid>
            <Grid item xs={12}>
              <AuditExceptionsCard />
            </Grid>
            <Grid item xs={12}>
              <OwnerRollup
                items={owners.value?.items ?? []}
                loading={owners.loading}
                onSelectOwner={owner => update({ owner })}
              />
            </Grid>
          </Grid>
        )}
      </Content>
    </Page>
  );
}
