import {
  STAGES,
  STAGE_TITLES,
  Stage,
  stageStays,
} from '@handoff/backstage-plugin-handoff-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  Bar,
  BarChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

const dayCount = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/**
 * How long the capability stayed in each stage, oldest first: in words,
 * and as one bar cut into its stays.
 */
export function StageDurations(props: {
  decisions: Array<{ toStage: Stage; createdAt: string }>;
}) {
  const theme = useTheme();
  const stays = stageStays(props.decisions, new Date());
  if (stays.length === 0) return null;
  const colours = [
    theme.palette.grey[400],
    theme.palette.info?.main ?? theme.palette.primary.light,
    theme.palette.primary.main,
    theme.palette.warning?.main ?? theme.palette.secondary.main,
    theme.palette.secondary.main,
    theme.palette.success?.main ?? theme.palette.primary.dark,
    theme.palette.error.light,
    theme.palette.grey[700],
  ];
  const colour = (stage: Stage) => colours[STAGES.indexOf(stage)];
  const row = Object.fromEntries(stays.map((s, i) => [`stay${i}`, s.days]));
  const words = stays
    .map(
      (s, i) =>
        `${STAGE_TITLES[s.stage]} ${dayCount(s.days)}${
          i === stays.length - 1 && !s.to ? ' so far' : ''
        }`,
    )
    .join(' → ');
  return (
    <Box mb={2}>
      <Typography variant="subtitle2" component="h3">
        Time in each stage
      </Typography>
      <Typography variant="body2" data-testid="stage-durations">
        {words}
      </Typography>
      <Box height={48} aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart
            data={[row]}
            layout="vertical"
            margin={{ left: 0, right: 0 }}
          >
            <XAxis type="number" hide />
            <YAxis type="category" hide />
            <Tooltip
              formatter={(value, key) => {
                const stay = stays[Number(String(key).slice(4))];
                return [dayCount(Number(value)), STAGE_TITLES[stay.stage]];
              }}
              labelFormatter={() => ''}
            />
            {stays.map((s, i) => (
              <Bar
                key={i}
                dataKey={`stay${i}`}
                stackId="stays"
                fill={colour(s.stage)}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </Box>
    </Box>
  );
}
