import { GateInput, GateRequirement, req } from './gateTypes';

/**
 * The drift and schema checks whose latest result fails: while there is one,
 * the capability needs a review and every gated decision waits.
 *
 * @public
 */
export function reviewRequiredBy(
  checks: ReadonlyArray<{
    name: string;
    kind: string;
    status: string;
    /** The governance review (decision sequence) that judged this failing result. */
    reviewedIn?: number;
  }>,
): string[] {
  return checks
    .filter(
      c =>
        c.status === 'fail' &&
        ['drift', 'schema'].includes(c.kind) &&
        !c.reviewedIn,
    )
    .map(c => c.name);
}

export function noBreach(input: GateInput): GateRequirement {
  const breached = reviewRequiredBy(input.checks);
  return req(
    'review-required',
    'No drift or schema breach waiting for review',
    breached.length === 0,
    `Review required: ${breached.join(
      ', ',
    )} failed; a passing result from its reporter or a recorded review clears it`,
    'No breach',
  );
}

export function checksPass(input: GateInput): GateRequirement {
  const failing = input.checks.filter(c => c.status === 'fail');
  return req(
    'checks',
    'Latest check results pass',
    failing.length === 0,
    `Failing: ${failing.map(c => c.name).join(', ')}`,
    input.checks.length
      ? `${input.checks.length} checks pass`
      : 'No check has reported a failure',
  );
}
