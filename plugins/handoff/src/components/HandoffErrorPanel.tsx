import { ResponseErrorPanel } from '@backstage/core-components';
import { errorMessage } from './errorMessage';

/**
 * Backstage's panel for a failed request, titled with the server's own words
 * ("Nothing was changed: the database is not available…") rather than the
 * status line ("Request failed with 503 Service Unavailable").
 */
export function HandoffErrorPanel(props: { error: Error }) {
  return (
    <ResponseErrorPanel error={props.error} title={errorMessage(props.error)} />
  );
}
