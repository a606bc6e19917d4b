import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  search?: {
    collators?: {
      /** Handoff capabilities in portal search. */
      handoff?: {
        /** How often the index is rebuilt (default every 10 minutes). */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
