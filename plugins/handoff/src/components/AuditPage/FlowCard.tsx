import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  FlowDistribution,
  FlowFigures,
  STAGES,
  STAGE_TITLES,
} from '@handoff/backstage-plugin-handoff-common';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { handoffApiRef } from '../../api';
import { HandoffErrorPanel } from '../HandoffErrorPanel';

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
  ];
}

/**
 * Flow: how long each step of the handoff takes, whether hand-offs are
 * accepted and reviews kept — the last 30, 90 or 365 days beside the period
 * before, from the decision trail.
 */
export function FlowCard() {
  const api = useApi(handoffApiRef);
  const [days, setDays] = useState<Window>(90);
  const flow = useAsync(() => api.getFlow(days), [api, days]);
  const picker = (
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
  );
  let content;
  if (flow.error) {
    content = <HandoffErrorPanel error={flow.error} />;
  } else if (!flow.value) {
    content = <Progress />;
  } else {
    const before = new Map(rows(flow.value.previous));
    content = (
      <Table size="small" aria-label="Flow figures">
        <TableHead>
          <TableRow>
            <TableCell>Figure</TableCell>
            <TableCell>Last {flow.value.days} days</TableCell>
            <TableCell>The {flow.value.days} days before</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows(flow.value.current).map(([label, value]) => (
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
    );
  }
  return (
    <InfoCard title="Flow" subheader="From the decision trail" action={picker}>
      {content}
    </InfoCard>
  );
}
