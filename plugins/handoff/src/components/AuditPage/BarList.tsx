import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';

/** A small horizontal bar chart: one labelled bar per value. */
export function BarList(props: {
  items: Array<{ key: string; label: ReactNode; count: number }>;
  empty: string;
  testId: string;
}) {
  const max = Math.max(1, ...props.items.map(i => i.count));
  if (props.items.length === 0) {
    return <Typography color="textSecondary">{props.empty}</Typography>;
  }
  return (
    <Box data-testid={props.testId}>
      {props.items.map(item => (
        <Box key={item.key} mb={1}>
          <Box display="flex" justifyContent="space-between">
            <Typography variant="body2">{item.label}</Typography>
            <Typography variant="body2" aria-label={`${item.key} count`}>
              {item.count}
            </Typography>
          </Box>
          <LinearProgress
            variant="determinate"
            value={(item.count / max) * 100}
            aria-hidden
          />
        </Box>
      ))}
    </Box>
  );
}
