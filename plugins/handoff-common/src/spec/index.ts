export {
  HANDOFF_SPEC_API_VERSION,
  HANDOFF_SPEC_KIND,
  handoffSpecSchema,
  riskLevelSchema,
  riskProfileSchema,
  dataContractSchema,
  dataFieldSchema,
  pilotEvidenceSchema,
  deliveryWorkSchema,
  ownerRefSchema,
  httpUrlSchema,
} from './schema';
export type {
  HandoffSpec,
  RiskLevel,
  RiskProfile,
  DataContract,
  DataField,
  PilotEvidence,
  DeliveryWork,
} from './schema';
export {
  validateHandoffSpec,
  validateHandoffSpecObject,
  formatSpecError,
  formatPath,
  validateYaml,
  parseSpecYaml,
  MAX_YAML_DEPTH,
} from './validate';
export type { SpecError, SpecValidation, YamlValidation } from './validate';
export { plainIssues } from './validate';
export {
  SPEC_ARTIFACTS,
  SPEC_ARTIFACT_TITLES,
  diffSpecArtifacts,
} from './diff';
export { handoffSpecJsonSchema } from './jsonSchema';
export type { SpecArtifact, SpecArtifactChange } from './diff';
export { specPlace, specPlacesInWords } from './words';
export type { SpecPlace } from './words';
