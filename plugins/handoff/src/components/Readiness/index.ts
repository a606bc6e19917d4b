export { ReadinessSection, ReadinessPanel } from './ReadinessPanel';
export { DecisionTimeline } from './DecisionTimeline';
export { ChecksCard } from './ChecksCard';
export { DecisionDialog } from './DecisionDialog';
export { CyclesCard } from './CyclesCard';
export { WorkCard } from './WorkCard';
export { ExceptionsCard } from './ExceptionsCard';
export { ExceptionsTable } from './ExceptionsTable';
export { CredentialsCard } from './CredentialsCard';
