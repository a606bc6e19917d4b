import isEqual from 'lodash/isEqual';
import { HandoffSpec } from './schema';

/**
 * The artifacts a handoff spec carries, in the order people read them.
 *
 * @public
 */
export const SPEC_ARTIFACTS = [
  'intent',
  'successCriteria',
  'acceptanceCriteria',
  'nonFunctionalRequirements',
  'risk',
  'regulatoryConstraints',
  'dataContracts',
  'features',
  'model',
  'testPlan',
  'deployment',
  'observability',
  'owners',
  'pilot',
  'deliveryWork',
] as const satisfies ReadonlyArray<keyof HandoffSpec>;

/**
 * What each artifact is called, for the Handoff tab and the packet alike.
 *
 * @public
 */
export const SPEC_ARTIFACT_TITLES: Record<
  (typeof SPEC_ARTIFACTS)[number],
  string
> = {
  intent: 'Intent',
  successCriteria: 'Success criteria',
  acceptanceCriteria: 'Acceptance criteria',
  nonFunctionalRequirements: 'Non-functional requirements',
  risk: 'Risk profile',
  regulatoryConstraints: 'Regulatory constraints',
  dataContracts: 'Data contracts',
  features: 'Features',
  model: 'Model requirements',
  testPlan: 'Test plan',
  deployment: 'Deployment checklist and rollback',
  observability: 'Observability',
  owners: 'Owners',
  pilot: 'Pilot evidence',
  deliveryWork: 'Work for delivery teams',
};

/** @public */
export type SpecArtifact = (typeof SPEC_ARTIFACTS)[number];

/** @public */
export type SpecArtifactChange = {
  artifact: SpecArtifact;
  change: 'added' | 'removed' | 'changed';
};

/**
 * Which artifacts differ between two versions of a spec. Either side may be
 * a partial or invalid document (its parsed content), or missing.
 *
 * @public
 */
export function diffSpecArtifacts(
  before: Partial<Record<string, unknown>> | undefined,
  after: Partial<Record<string, unknown>> | undefined,
): SpecArtifactChange[] {
  const changes: SpecArtifactChange[] = [];
  for (const artifact of SPEC_ARTIFACTS) {
    const a = before?.[artifact];
    const b = after?.[artifact];
    if (a === undefined && b === undefined) continue;
    if (a === undefined) changes.push({ artifact, change: 'added' });
    else if (b === undefined) changes.push({ artifact, change: 'removed' });
    else if (!isEqual(a, b)) changes.push({ artifact, change: 'changed' });
  }
  return changes;
}
