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

/** No drift or schema breach waits for review: every policy has this rule. */
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
    false,
  );
}

/** The latest result of every check (of some kinds) passes. */
export function checksPass(
  id: string,
  description: string,
  input: GateInput,
  kinds?: readonly string[],
): GateRequirement {
  const judged = input.checks.filter(c => !kinds || kinds.includes(c.kind));
  const failing = judged.filter(c => c.status === 'fail');
  return req(
    id,
    description,
    failing.length === 0,
    `Failing: ${failing.map(c => c.name).join(', ')}`,
    judged.length
      ? `${judged.length} checks pass`
      : 'No check has reported a failure',
  );
}
