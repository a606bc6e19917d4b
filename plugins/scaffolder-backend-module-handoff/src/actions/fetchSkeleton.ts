import { LoggerService } from '@backstage/backend-plugin-api';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';

/**
 * A logger that says "the run's folder" where Backstage's own messages name
 * the server path of the run's workspace.
 */
function withoutWorkspacePath(
  logger: LoggerService,
  workspacePath: string,
): LoggerService {
  const plain = (message: string) =>
    message.split(workspacePath).join("the run's folder");
  return {
    error: (message, meta) => logger.error(plain(message), meta),
    warn: (message, meta) => logger.warn(plain(message), meta),
    info: (message, meta) => logger.info(plain(message), meta),
    debug: (message, meta) => logger.debug(plain(message), meta),
    child: meta => withoutWorkspacePath(logger.child(meta), workspacePath),
  };
}

/**
 * `handoff:fetch:template`: Backstage's own `fetch:template`, whose messages
 * in the run's log name no server path (it says where it wrote as "the run's
 * folder"). Everything else, input and output, is `fetch:template`'s.
 */
export function createFetchSkeletonAction(
  options: Parameters<typeof createFetchTemplateAction>[0],
) {
  const fetchTemplate = createFetchTemplateAction(options);
  return {
    ...fetchTemplate,
    id: 'handoff:fetch:template',
    description: `${fetchTemplate.description} Its messages name no server path.`,
    handler: (ctx: Parameters<typeof fetchTemplate.handler>[0]) =>
      fetchTemplate.handler({
        ...ctx,
        logger: withoutWorkspacePath(ctx.logger, ctx.workspacePath),
      }),
  } as typeof fetchTemplate;
}
