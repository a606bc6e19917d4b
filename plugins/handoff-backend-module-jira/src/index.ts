/**
 * Files Handoff's work items as Jira issues (Cloud or Data Center), exactly
 * once, and reads their status back.
 *
 * @packageDocumentation
 */
export { handoffModuleJiraTracker as default } from './module';
export { JiraTracker, JIRA_PROJECT_KEY, jiraKeyLabel } from './JiraTracker';
export type { JiraAuth } from './JiraTracker';
