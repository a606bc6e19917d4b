import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Configuration of the Handoff backend plugin. */
  handoff?: {
    specs?: {
      /**
       * How often every annotated entity's handoff.yaml is read again.
       * Defaults to every 5 minutes, starting 30 seconds after start-up.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
