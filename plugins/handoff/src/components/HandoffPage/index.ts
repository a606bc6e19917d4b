export { HandoffPage, CapabilitiesTable } from './HandoffPage';
