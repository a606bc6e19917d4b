import {
  InfoCard,
  Progress,
  Table as DataTable,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  FlowBehind,
  FlowCapability,
  FlowDistribution,
  FlowFigures,
  FlowGroup,
  FlowWeek,
  PortfolioFilter,
  STAGES,
  STAGE_TITLES,
} from '@handoff/backstage-plugin-handoff-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CardActionArea from '@material-ui/core/CardActionArea';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { handoffApiRef } from '../../api';
import { HandoffErrorPanel } from '../HandoffErrorPanel';
import { useDownload } from '../useDownload';

const WINDOWS = [30, 90, 365] as const;
type Window = (typeof WINDOWS)[number];

const dayCount = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** A distribution of days in words: "10 days (85 %: 95 days), 2 stays". */
function daysText(d: FlowDistribution, what: [string, string]): string {
  if (d.count === 0 || d.median === undefined) return '—';
  const spread =
    d.p85 !== undefined && d.p85 !== d.median
      ? ` (85 % within ${dayCount(d.p85)})`
      : '';
  return `${dayCount(d.median)}${spread}, ${d.count} ${
    d.count === 1 ? what[0] : what[1]
  }`;
}

/** "8 of 10", or a dash when none had an SLA. */
const withinSla = (s?: { count: number; withinSla: number }) =>
  s && s.count > 0 ? `${s.withinSla} of ${s.count}` : '—';

/** "3 of 5, 1 closed late, 1 still open", or "None due". */
function workText(w: FlowFigures['work']) {
  if (!w || w.due === 0) return 'None due';
  return `${w.onTime} of ${w.due}${w.late ? `, ${w.late} closed late` : ''}${
    w.open ? `, ${w.open} still open` : ''
  }`;
}

/** The figures of one window, row by row, in plain words. */
function rows(f: FlowFigures): Array<[string, string]> {
  const stays = STAGES.filter(s => f.timeInStage[s]).map(
    (s): [string, string] => [
      `Median time in ${STAGE_TITLES[s].toLowerCase()}`,
      daysText(f.timeInStage[s]!, ['stay', 'stays']),
    ],
  );
  const r = f.reviews;
  return [
    ...stays,
    [
      'Median time to operating, from proposed',
      daysText(f.leadTime.fromProposed, ['capability', 'capabilities']),
    ],
    [
      'Median time to operating, from the pilot',
      daysText(f.leadTime.fromPilot, ['capability', 'capabilities']),
    ],
    [
      'Median time to accept a hand-off',
      daysText(f.handoffTurnaround, ['hand-off', 'hand-offs']),
    ],
    [
      'Hand-offs accepted within their SLA',
      withinSla(f.slas?.handoffAcceptance),
    ],
    [
      'Hand-offs waiting for acceptance at the end',
      `${f.handoffTurnaround.waiting}`,
    ],
    [
      'Readiness reviews concluded within their SLA',
      withinSla(f.slas?.readinessReview),
    ],
    [
      'Reviews recorded by their date',
      r.due === 0
        ? 'None due'
        : `${r.onTime} of ${r.due}${r.late ? `, ${r.late} late` : ''}${
            r.notYet ? `, ${r.notYet} not recorded yet` : ''
          }`,
    ],
    [
      'Median days late, of the reviews not on time',
      r.daysLate.median === undefined ? '—' : dayCount(r.daysLate.median),
    ],
    [
      'Decisions recorded with an exception',
      `${f.exceptions.withException} of ${f.exceptions.decisions}`,
    ],
    ['Hand-offs reversed (reframed or stopped)', `${f.reversals}`],
    ['Work items closed by their due date', workText(f.work)],
  ];
}

/** The window, kept in the URL (`flow=30|90|365`) beside the audit's filters. */
function useFlowWindow(): [Window, (w: Window) => void] {
  const [search, setSearch] = useSearchParams();
  const asked = Number(search.get('flow'));
  const days = (WINDOWS as readonly number[]).includes(asked)
    ? (asked as Window)
    : 90;
  const set = (w: Window) => {
    const next = new URLSearchParams(search);
    next.set('flow', String(w));
    setSearch(next, { replace: true });
  };
  return [days, set];
}

/**
 * The four numbers a platform lead asks first, each with the capabilities
 * behind it (a click on the tile shows them in the table below).
 */
const TILES: Array<{
  key: FlowBehind;
  title: string;
  value: (f: FlowFigures) => string;
}> = [
  {
    key: 'sla',
    title: 'Hand-offs accepted within their SLA',
    value: f =>
      f.slas?.handoffAcceptance.count
        ? `${f.slas.handoffAcceptance.withinSla} of ${f.slas.handoffAcceptance.count}`
        : 'None with an SLA',
  },
  {
    key: 'operating',
    title: 'Median time to operating',
    value: f =>
      f.leadTime.fromProposed.median === undefined
        ? 'None reached it'
        : dayCount(f.leadTime.fromProposed.median),
  },
  {
    key: 'reviews',
    title: 'Reviews recorded by their date',
    value: f =>
      f.reviews.due ? `${f.reviews.onTime} of ${f.reviews.due}` : 'None due',
  },
  {
    key: 'waiting',
    title: 'Hand-offs waiting for acceptance',
    value: f => String(f.handoffTurnaround.waiting),
  },
];

/** The tile whose capabilities the table shows, kept in the URL (`behind=`). */
function useBehind(): [
  (typeof TILES)[number] | undefined,
  (key?: string) => void,
] {
  const [search, setSearch] = useSearchParams();
  const tile = TILES.find(t => t.key === search.get('behind'));
  const set = (key?: string) => {
    const next = new URLSearchParams(search);
    if (key) next.set('behind', key);
    else next.delete('behind');
    setSearch(next, { replace: true });
  };
  return [tile, set];
}

/** The tiles, with the period before; a click shows the capabilities behind one. */
function FlowTiles(props: {
  current: FlowFigures;
  previous: FlowFigures;
  days: number;
  selected?: string;
  onSelect: (key?: string) => void;
}) {
  return (
    <Grid container spacing={2}>
      {TILES.map(tile => {
        const selected = props.selected === tile.key;
        return (
          <Grid item xs={12} sm={6} md={3} key={tile.key}>
            <Paper
              variant="outlined"
              style={{ height: '100%' }}
              data-testid="flow-tile"
            >
              <CardActionArea
                style={{ padding: 16, height: '100%' }}
                aria-pressed={selected}
                aria-label={`${tile.title}: ${tile.value(
                  props.current,
                )}. Show the capabilities behind it`}
                onClick={() => props.onSelect(selected ? undefined : tile.key)}
              >
                <Typography variant="body2" color="textSecondary">
                  {tile.title}
                </Typography>
                <Typography
                  variant="h5"
                  component="p"
                  color={selected ? 'primary' : 'initial'}
                >
                  {tile.value(props.current)}
                </Typography>
                <Typography variant="caption" color="textSecondary">
                  The {props.days} days before: {tile.value(props.previous)}
                </Typography>
              </CardActionArea>
            </Paper>
          </Grid>
        );
      })}
    </Grid>
  );
}

const TIER_TITLES: Record<string, string> = {
  high: 'High risk',
  medium: 'Medium risk',
  low: 'Low risk',
};

/** The window's figures for each risk tier and the largest owners. */
function FlowGroups(props: { groups: FlowGroup[] }) {
  if (props.groups.length === 0) return null;
  return (
    <Table size="small" aria-label="Flow by risk tier and owner">
      <TableHead>
        <TableRow>
          <TableCell>Risk tier or owner</TableCell>
          <TableCell>Capabilities</TableCell>
          <TableCell>Hand-offs accepted within their SLA</TableCell>
          <TableCell>Median days to accept a hand-off</TableCell>
          <TableCell>Median time to operating</TableCell>
          <TableCell>Reviews recorded by their date</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.groups.map(g => {
          const f = g.figures;
          return (
            <TableRow key={`${g.by}-${g.key}`}>
              <TableCell component="th" scope="row">
                {g.by === 'tier' ? (
                  TIER_TITLES[g.key] ?? g.key
                ) : (
                  <EntityRefLink
                    entityRef={g.key}
                    title={g.title}
                    defaultKind="group"
                  />
                )}
              </TableCell>
              <TableCell>{g.capabilities}</TableCell>
              <TableCell>{withinSla(f.slas?.handoffAcceptance)}</TableCell>
              <TableCell>
                {f.handoffTurnaround.median === undefined
                  ? '—'
                  : dayCount(f.handoffTurnaround.median)}
              </TableCell>
              <TableCell>
                {f.leadTime.fromProposed.median === undefined
                  ? '—'
                  : dayCount(f.leadTime.fromProposed.median)}
              </TableCell>
              <TableCell>
                {f.reviews.due
                  ? `${f.reviews.onTime} of ${f.reviews.due}`
                  : 'None due'}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

const weekLabel = (w: FlowWeek) =>
  new Date(w.from).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });

/** Hand-offs accepted and capabilities reaching operating, week by week. */
function FlowWeeks(props: { weeks: FlowWeek[] }) {
  const theme = useTheme();
  const data = props.weeks.map(w => ({
    week: weekLabel(w),
    'Hand-offs accepted': w.handoffsAccepted,
    'Reached operating': w.reachedOperating,
    'Reviews due': w.reviewsDue,
  }));
  return (
    <Box height={240} aria-label="Flow by week" role="img">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={data}
          margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="week" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Bar dataKey="Hand-offs accepted" fill={theme.palette.primary.main} />
          <Bar
            dataKey="Reached operating"
            fill={theme.palette.success?.main ?? '#4caf50'}
          />
          <Bar dataKey="Reviews due" fill={theme.palette.grey[500]} />
        </BarChart>
      </ResponsiveContainer>
    </Box>
  );
}

const maybeDays = (n?: number) => (n === undefined ? '—' : dayCount(n));

const capabilityColumns: TableColumn<FlowCapability>[] = [
  {
    title: 'Capability',
    field: 'entityRef',
    highlight: true,
    render: c => <EntityRefLink entityRef={c.entityRef} title={c.title} />,
  },
  {
    title: 'Owner',
    field: 'owner',
    render: c =>
      c.owner ? <EntityRefLink entityRef={c.owner} defaultKind="group" /> : '—',
  },
  { title: 'Stage', field: 'stage', render: c => STAGE_TITLES[c.stage] },
  {
    title: 'In this stage',
    field: 'daysInStage',
    type: 'numeric',
    render: c => dayCount(c.daysInStage),
  },
  {
    title: 'To operating',
    field: 'daysToOperating',
    type: 'numeric',
    render: c => maybeDays(c.daysToOperating),
  },
  {
    title: 'To accept the hand-off',
    field: 'daysToAccept',
    type: 'numeric',
    render: c =>
      c.waitingForAcceptance ? 'Waiting' : maybeDays(c.daysToAccept),
  },
  {
    title: 'Reviews late',
    field: 'reviewsLate',
    type: 'numeric',
    render: c => (c.reviewsDue ? `${c.reviewsLate} of ${c.reviewsDue}` : '—'),
  },
  {
    title: 'Decisions with an exception',
    field: 'withException',
    type: 'numeric',
    render: c => `${c.withException} of ${c.decisions}`,
  },
  {
    title: 'Work past due',
    field: 'workPastDue',
    type: 'numeric',
    render: c => (c.workDue ? `${c.workPastDue} of ${c.workDue}` : '—'),
  },
];

/** The capabilities behind the figures, or behind one tile, paged by the backend. */
function FlowCapabilities(props: {
  days: Window;
  filter: PortfolioFilter;
  filterKey: string;
  behind?: (typeof TILES)[number];
  onShowAll: () => void;
}) {
  const api = useApi(handoffApiRef);
  const { days, filter, behind } = props;
  const view = `${days} ${props.filterKey} ${behind?.key}`;
  // How many, once the backend has answered for this view.
  const [answered, setAnswered] = useState<{ view: string; total: number }>();
  const total = answered?.view === view ? ` (${answered.total})` : '';
  return (
    <DataTable<FlowCapability>
      // Another window, filter or tile starts again from the first page.
      key={view}
      title={
        behind ? (
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <span>
              The capabilities behind “{behind.title}”{total}
            </span>
            <Button size="small" onClick={props.onShowAll}>
              Show every capability
            </Button>
          </Box>
        ) : (
          `The capabilities behind the figures${total}`
        )
      }
      options={{
        paging: true,
        pageSize: 20,
        pageSizeOptions: [20, 50, 100],
        search: false,
        padding: 'dense',
        emptyRowsWhenPaging: false,
      }}
      columns={capabilityColumns}
      data={async query => {
        const page = await api.getFlowCapabilities(days, filter, {
          behind: behind?.key,
          offset: query.page * query.pageSize,
          limit: query.pageSize,
        });
        setAnswered({ view, total: page.totalCount });
        return {
          data: page.items,
          page: query.page,
          totalCount: page.totalCount,
        };
      }}
      localization={{
        body: {
          // Said only once the backend has answered, never while it loads.
          emptyDataSourceMessage:
            answered?.view === view
              ? `Nothing happened to the capabilities in this view in the last ${days} days.`
              : '',
        },
      }}
    />
  );
}

/**
 * Flow: how long each step of the handoff takes, whether hand-offs are
 * accepted and reviews kept — the last 30, 90 or 365 days beside the period
 * before, from the decision trail, for the capabilities the audit's filters
 * select: tiles, a chart by week, every figure, and the capabilities behind
 * them (also as CSV).
 */
export function FlowCard(props: { filter?: PortfolioFilter }) {
  const api = useApi(handoffApiRef);
  const [days, setDays] = useFlowWindow();
  const [behind, setBehind] = useBehind();
  const filter = props.filter ?? {};
  const filterKey = JSON.stringify(filter);
  const flow = useAsync(
    () => api.getFlow(days, filter),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, days, filterKey],
  );
  const csv = useDownload('Could not export the capabilities');
  const action = (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      <TextField
        select
        size="small"
        label="Window"
        value={days}
        onChange={e => setDays(Number(e.target.value) as Window)}
      >
        {WINDOWS.map(w => (
          <MenuItem key={w} value={w}>
            Last {w} days
          </MenuItem>
        ))}
      </TextField>
      <Button
        variant="outlined"
        color="primary"
        disabled={csv.busy}
        onClick={() =>
          csv.download(
            () => api.getFlowCsv(days, filter),
            `handoff-flow-${days}-days.csv`,
          )
        }
      >
        {csv.busy ? 'Preparing the CSV…' : 'Download flow as CSV'}
      </Button>
    </Box>
  );
  let content;
  if (flow.error) {
    content = <HandoffErrorPanel error={flow.error} />;
  } else if (!flow.value) {
    content = <Progress />;
  } else {
    const { current, previous, weeks } = flow.value;
    const before = new Map(rows(previous));
    content = (
      <>
        <FlowTiles
          current={current}
          previous={previous}
          days={flow.value.days}
          selected={behind?.key}
          onSelect={setBehind}
        />
        <Box mt={3}>
          <Typography variant="h6" component="h3">
            Week by week
          </Typography>
          <FlowWeeks weeks={weeks} />
        </Box>
        <Box mt={3}>
          <Table size="small" aria-label="Flow figures">
            <TableHead>
              <TableRow>
                <TableCell>Figure</TableCell>
                <TableCell>Last {flow.value.days} days</TableCell>
                <TableCell>The {flow.value.days} days before</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows(current).map(([label, value]) => (
                <TableRow key={label}>
                  <TableCell component="th" scope="row">
                    {label}
                  </TableCell>
                  <TableCell>{value}</TableCell>
                  <TableCell>{before.get(label) ?? '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
        <Box mt={3}>
          <FlowGroups groups={flow.value.groups ?? []} />
        </Box>
        <Box mt={3}>
          <FlowCapabilities
            days={flow.value.days as Window}
            filter={filter}
            filterKey={filterKey}
            behind={behind}
            onShowAll={() => setBehind(undefined)}
          />
        </Box>
      </>
    );
  }
  return (
    <InfoCard
      title="Flow"
      subheader="From the decision trail, for the capabilities the filters above select"
      action={action}
    >
      {content}
    </InfoCard>
  );
}
