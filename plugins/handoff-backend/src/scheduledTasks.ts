import {
  LoggerService,
  RootConfigService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { HumanDuration, durationToMilliseconds } from '@backstage/types';

/** What a run did: `finished: false` when it stopped with work left. */
type RunResult = { finished?: boolean } | void;

/**
 * Schedules one of Handoff's cluster-wide tasks. The scheduler's lock on a
 * running task lasts until its timeout, so a replica that dies mid-run holds
 * the task that long, plus up to a minute until the scheduler's janitor
 * frees it: timeouts are short (30 s by default, 60 s for the audit's
 * catalog sync) and each run works for two thirds of it at most
 * (`budgetMs`). A run that stopped with
 * work left, or was stopped at its timeout, asks for the next run at once
 * instead of waiting a whole interval.
 */
export async function scheduleHandoffTask(options: {
  id: string;
  /** Where an operator may override the schedule. */
  configKey: string;
  defaults: SchedulerServiceTaskScheduleDefinition;
  config: RootConfigService;
  scheduler: SchedulerService;
  logger: LoggerService;
  run: (signal: AbortSignal, budgetMs: number) => Promise<RunResult>;
}) {
  const { id, config, scheduler, logger } = options;
  const configured = config.getOptionalConfig(options.configKey);
  const schedule = configured
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(configured)
    : options.defaults;
  const budgetMs = Math.floor((millisecondsOf(schedule.timeout) * 2) / 3);
  await scheduler.scheduleTask({
    id,
    scope: 'global',
    ...schedule,
    // The scheduler aborts the signal at the task's timeout or at shutdown.
    fn: async (signal: AbortSignal) => {
      const result = await options.run(signal, budgetMs);
      // Work left, or a run the scheduler stopped at its timeout: the next
      // run goes on from where this one saved its place, at once.
      if (result && result.finished === false) {
        continueSoon(scheduler, id, logger);
      }
    },
  });
}

function millisecondsOf(
  duration: SchedulerServiceTaskScheduleDefinition['timeout'],
): number {
  const luxon = duration as { toMillis?: () => number };
  return typeof luxon.toMillis === 'function'
    ? luxon.toMillis()
    : durationToMilliseconds(duration as HumanDuration);
}

/**
 * Triggers the task again once the scheduler has released this run (the
 * trigger is refused while the run still holds the task).
 */
function continueSoon(
  scheduler: SchedulerService,
  id: string,
  logger: LoggerService,
  attempt = 1,
) {
  setTimeout(() => {
    scheduler.triggerTask(id).catch(error => {
      if (attempt < 5) continueSoon(scheduler, id, logger, attempt + 1);
      else logger.debug(`Could not continue ${id} at once: ${error}`);
    });
  }, 500 * attempt).unref();
}
