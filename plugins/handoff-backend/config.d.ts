import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Handoff backend plugin. */
  handoff?: {
    /**
     * Groups whose members may give the compliance approval that a hand-off of a
     * capability with high compliance risk needs, e.g. group:default/risk-and-compliance.
     */
    complianceApprovers?: string[];
    /**
     * Groups or users one of whom grants or denies exception requests (with
     * the handoff.exception.approve permission, never the requester), and who
     * is told of each request, unless the gate policy's exceptions.grantors
     * names others for a risk tier. Without either, anyone holding the
     * permission may, and nobody is told.
     */
    exceptionApprovers?: string[];
    /**
     * Limits of costly requests per caller, counted per replica for a minute;
     * past them the answer is 429 with Retry-After.
     */
    /**
     * Where each static token (by the subject its externalAccess entry gives)
     * may post check results: entities owned by one of `owners` and/or of one
     * of `kinds`. A token without an entry reaches every entity its
     * accessRestrictions allow.
     */
    tokenReach?: Array<{
      subject: string;
      owners?: string[];
      kinds?: string[];
    }>;
    rateLimits?: {
      /** Check results one credential (a CI token, a person) posts a minute. Default 600. */
      checksPerMinute?: number;
      /** "Read now" of one capability's spec by one caller a minute. Default 6. */
      refreshesPerMinute?: number;
    };
    /**
     * Separation of duties (default true): whoever records a gated decision
     * cannot be its only approver; when a decision needs both an accountable and
     * a compliance approval they come from two different people, neither the
     * recorder; whoever records a hand-off cannot accept it.
     */
    separationOfDuties?: boolean;
    /**
     * A gate policy file (YAML, relative to the backend's working directory):
     * what each decision needs per risk tier, and the review cadence. Without
     * it, the shipped proportional default applies. An invalid file stops the
     * backend at start.
     */
    policy?: string;
    scaffolder?: {
      /**
       * Where handoff:publish:local writes new capabilities (relative to the
       * backend's working directory). Defaults to ./capabilities.
       */
      localPublishDirectory?: string;
    };
    projection?: {
      /**
       * How often the catalog projection the audit reads is fully re-synced.
       * Defaults to every 30 minutes, with a 60-second timeout.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * How often catalog entities that changed, or are new, are brought into
       * the audit between full syncs (a listing of refs and etags). Defaults
       * to every 30 seconds. Each run works for two thirds of its timeout.
       */
      changedSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    work?: {
      /**
       * How often hardening items whose requirement is met are closed, and
       * (with a tracker module installed) work items are filed in the
       * tracker and their tickets read back (default every minute).
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    reviews?: {
      /**
       * How often overdue reviews are looked for and their owners notified
       * (once per review period). Defaults to hourly.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    specs?: {
      /**
       * How long one spec read may take before it is abandoned and recorded
       * as unreadable, e.g. { seconds: 15 } (the default).
       */
      readTimeout?: HumanDuration | string;
      /**
       * How often every annotated entity's handoff.yaml is read again, each
       * conditionally (a url's ETag, a file's size and time): an unchanged
       * spec costs one conditional request and no database write. Defaults to
       * every 5 minutes, starting 30 seconds after start-up.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * How often entities whose catalog record changed, or that are new,
       * have their spec read without waiting for a full pass (a listing of
       * refs and etags). Defaults to every 30 seconds.
       */
      changedSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** How many specs are read at once (default 4). */
      concurrency?: number;
      /**
       * How many threads parse and validate specs, off the request thread
       * (default 1). Each may use 256 MB and 30 seconds per spec.
       */
      parserThreads?: number;
    };
  };
}
