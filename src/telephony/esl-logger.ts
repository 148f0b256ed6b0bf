import type { Logger } from '../logging/logger.js';

/**
 * esl logs every frame at debug and its own retries at error; ours go one level down so a busy switch does
 * not flood the log, and nothing goes to the console.
 */
export function eslLogger(logger: Logger) {
  const log = logger.child({ component: 'esl' });
  return {
    debug: (msg: string, data?: unknown) => log.trace({ data }, msg),
    info: (msg: string, data?: unknown) => log.debug({ data }, msg),
    error: (msg: string, data?: unknown) => log.debug({ data }, msg),
  };
}
