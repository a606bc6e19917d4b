import {
  SPEC_ARTIFACTS,
  SPEC_ARTIFACT_TITLES,
  SpecError,
  formatSpecError,
} from '@handoff/backstage-plugin-handoff-common';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Doc } from './values';

import { ArtifactBody } from './ArtifactBody';
import { useStyles } from './parts';

/** The errors that belong to one artifact (or to the file as a whole). */
export function errorsFor(errors: SpecError[], artifact: string | undefined) {
  return errors.filter(e => {
    const top = e.path.split(/[.[]/)[0];
    return artifact === undefined
      ? !(SPEC_ARTIFACTS as readonly string[]).includes(top)
      : top === artifact;
  });
}

function ErrorList(props: { errors: SpecError[] }) {
  if (props.errors.length === 0) return null;
  return (
    <Alert severity="error" style={{ marginBottom: 8 }}>
      {props.errors.map((e, i) => (
        <div key={i}>{formatSpecError(e)}</div>
      ))}
    </Alert>
  );
}

/**
 * A handoff spec rendered for reading: every artifact it carries, each with
 * the validation errors that belong to it.
 */
export function SpecView(props: { document?: Doc; errors: SpecError[] }) {
  const classes = useStyles();
  const document = props.document ?? {};
  const present = SPEC_ARTIFACTS.filter(
    a => document[a] !== undefined || errorsFor(props.errors, a).length,
  );
  const missing = SPEC_ARTIFACTS.filter(a => !present.includes(a));
  return (
    <>
      <ErrorList errors={errorsFor(props.errors, undefined)} />
      {present.map(artifact => (
        <section
          key={artifact}
          className={classes.section}
          aria-label={SPEC_ARTIFACT_TITLES[artifact]}
        >
          <Typography variant="h6">{SPEC_ARTIFACT_TITLES[artifact]}</Typography>
          <ErrorList errors={errorsFor(props.errors, artifact)} />
          {document[artifact] !== undefined && (
            <ArtifactBody artifact={artifact} value={document[artifact]} />
          )}
        </section>
      ))}
      {missing.length > 0 && (
        <Typography variant="body2" color="textSecondary">
          Not in this spec yet:{' '}
          {missing.map(a => SPEC_ARTIFACT_TITLES[a]).join(', ')}.
        </Typography>
      )}
    </>
  );
}
