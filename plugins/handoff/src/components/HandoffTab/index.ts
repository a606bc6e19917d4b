export { HandoffTab } from './HandoffTab';
