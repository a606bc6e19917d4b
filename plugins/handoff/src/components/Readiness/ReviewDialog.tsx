import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  REVIEW_CADENCE_DAYS,
  ReadinessSummary,
  ReviewReadout,
} from '@handoff/backstage-plugin-handoff-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { handoffApiRef } from '../../api';
import { errorMessage } from '../errorMessage';

const EMPTY = {
  rationale: '',
  usageKind: 'figure' as 'figure' | 'link',
  value: '',
  unit: '',
  period: '',
  link: '',
  friction: '',
  incidents: '',
  nextChange: '',
  nextReviewAt: '',
  ownerConfirmed: false,
};

/**
 * Records a periodic review: what a cycle of use showed (usage, friction,
 * incidents), the owner confirming they still own it, what the next cycle
 * changes, and when the next review is. Keeps what was typed when the server
 * refuses, and shows the server's words.
 */
export function ReviewDialog(props: {
  readiness: ReadinessSummary;
  onClose: () => void;
  onReviewed: () => void;
}) {
  const { readiness } = props;
  const { entity } = useEntity();
  const api = useApi(handoffApiRef);
  const [form, setForm] = useState(EMPTY);
  // What this cycle measured, by success criterion (left empty: not measured).
  const [kpis, setKpis] = useState<
    Record<string, { measured: string; met: boolean }>
  >({});
  const criteria = readiness.successCriteria ?? [];
  const kpi = (metric: string) => kpis[metric] ?? { measured: '', met: false };
  const setKpi = (
    metric: string,
    change: Partial<{ measured: string; met: boolean }>,
  ) => setKpis(k => ({ ...k, [metric]: { ...kpi(metric), ...change } }));
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const set =
    (key: keyof typeof EMPTY) =>
    (e: { target: { value: string; checked?: boolean } }) =>
      setForm(f => ({
        ...f,
        [key]:
          key === 'ownerConfirmed' ? Boolean(e.target.checked) : e.target.value,
      }));
  const days =
    readiness.reviewWithinDays ??
    REVIEW_CADENCE_DAYS[readiness.riskTier ?? 'high'];

  const submit = async () => {
    setSaving(true);
    setError(undefined);
    const usage: ReviewReadout['usage'] =
      form.usageKind === 'link'
        ? { link: form.link.trim() }
        : {
            value: Number(form.value),
            unit: form.unit,
            period: form.period,
          };
    const measured = criteria
      .filter(c => kpi(c.metric).measured.trim() !== '')
      .map(c => {
        const text = kpi(c.metric).measured.trim();
        const number = Number(text);
        return {
          metric: c.metric,
          measured: Number.isFinite(number) ? number : text,
          met: kpi(c.metric).met,
        };
      });
    try {
      await api.decide(getCompoundEntityRef(entity), {
        decision: 'review',
        rationale: form.rationale,
        expectedSequence: readiness.sequence ?? 0,
        specVersion: readiness.specVersion,
        ...(form.nextReviewAt && { nextReviewAt: form.nextReviewAt }),
        readout: {
          usage,
          friction: form.friction,
          incidents: form.incidents,
          ownerConfirmed: form.ownerConfirmed as true,
          nextChange: form.nextChange,
          ...(measured.length && { kpis: measured }),
        },
      });
      setForm(EMPTY);
      setKpis({});
      props.onReviewed();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const usageGiven =
    form.usageKind === 'link'
      ? form.link.trim() !== ''
      : form.value.trim() !== '' &&
        form.unit.trim() !== '' &&
        form.period.trim() !== '';
  const complete =
    usageGiven &&
    [form.rationale, form.friction, form.incidents, form.nextChange].every(
      v => v.trim() !== '',
    ) &&
    form.ownerConfirmed;

  return (
    <Dialog
      open
      onClose={props.onClose}
      fullWidth
      maxWidth="md"
      aria-labelledby="handoff-review-title"
    >
      <DialogTitle id="handoff-review-title">Record a review</DialogTitle>
      <DialogContent>
        {error && (
          <Alert severity="error" style={{ marginBottom: 16 }} role="alert">
            {error}
          </Alert>
        )}
        <Typography variant="body2" color="textSecondary">
          A review looks back at a cycle of real use and sets what the next
          cycle changes. It keeps the stage; to fix something first, record
          “Harden further” instead.
        </Typography>
        <Typography variant="subtitle2" style={{ marginTop: 16 }}>
          Usage since the last review
        </Typography>
        <RadioGroup
          row
          aria-label="Usage given as"
          value={form.usageKind}
          onChange={set('usageKind')}
        >
          <FormControlLabel
            value="figure"
            control={<Radio />}
            label="A figure"
          />
          <FormControlLabel value="link" control={<Radio />} label="A link" />
        </RadioGroup>
        {form.usageKind === 'figure' ? (
          <Box display="flex" style={{ gap: 16 }}>
            <TextField
              id="handoff-review-usage-value"
              label="How many"
              type="number"
              inputProps={{ min: 0 }}
              value={form.value}
              onChange={set('value')}
            />
            <TextField
              id="handoff-review-usage-unit"
              label="Of what"
              placeholder="predictions"
              value={form.unit}
              onChange={set('unit')}
            />
            <TextField
              id="handoff-review-usage-period"
              label="Per"
              placeholder="week"
              value={form.period}
              onChange={set('period')}
            />
          </Box>
        ) : (
          <TextField
            fullWidth
            id="handoff-review-usage-link"
            label="Link to the usage figures"
            placeholder="https://grafana.example.com/d/usage"
            value={form.link}
            onChange={set('link')}
          />
        )}
        {criteria.length > 0 && (
          <>
            <Typography variant="subtitle2" style={{ marginTop: 16 }}>
              Success criteria this cycle
            </Typography>
            <Typography variant="body2" color="textSecondary">
              What this cycle measured for each of the spec&apos;s success
              criteria; leave one empty if it was not measured.
            </Typography>
            {criteria.map((c, i) => (
              <Box
                key={c.metric}
                display="flex"
                alignItems="center"
                style={{ gap: 16 }}
              >
                <TextField
                  id={`handoff-review-kpi-${i}`}
                  label={`${c.metric} (target ${c.target}${
                    c.unit ? ` ${c.unit}` : ''
                  })`}
                  style={{ flex: 1 }}
                  value={kpi(c.metric).measured}
                  onChange={e => setKpi(c.metric, { measured: e.target.value })}
                />
                <FormControlLabel
                  control={
                    <Checkbox
                      checked={kpi(c.metric).met}
                      onChange={e =>
                        setKpi(c.metric, { met: e.target.checked })
                      }
                      inputProps={{
                        'aria-label': `${c.metric} met its target`,
                      }}
                    />
                  }
                  label="Met its target"
                />
              </Box>
            ))}
          </>
        )}
        <TextField
          fullWidth
          multiline
          margin="normal"
          id="handoff-review-friction"
          label="Known friction"
          helperText='What users or operators struggle with, or "none"'
          value={form.friction}
          onChange={set('friction')}
        />
        <TextField
          fullWidth
          multiline
          margin="normal"
          id="handoff-review-incidents"
          label="Incidents and exceptions since the last review"
          helperText='Or "none"'
          value={form.incidents}
          onChange={set('incidents')}
        />
        <TextField
          fullWidth
          multiline
          margin="normal"
          id="handoff-review-next-change"
          label="What the next cycle will change"
          value={form.nextChange}
          onChange={set('nextChange')}
        />
        <TextField
          fullWidth
          multiline
          minRows={2}
          margin="normal"
          id="handoff-review-rationale"
          label="Conclusion"
          helperText="What this review concluded, for the next reviewer"
          value={form.rationale}
          onChange={set('rationale')}
        />
        <TextField
          type="date"
          margin="normal"
          id="handoff-review-next-review"
          label="Next review"
          helperText={`Leave empty for the default: in ${days} days (${
            readiness.riskTier ?? 'unknown'
          } risk)`}
          InputLabelProps={{ shrink: true }}
          value={form.nextReviewAt}
          onChange={set('nextReviewAt')}
        />
        <FormControlLabel
          style={{ display: 'flex', marginTop: 8 }}
          control={
            <Checkbox
              checked={form.ownerConfirmed}
              onChange={set('ownerConfirmed')}
            />
          }
          label="We still own this capability and run it"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!complete || saving}
          onClick={submit}
        >
          Record review
        </Button>
      </DialogActions>
    </Dialog>
  );
}
