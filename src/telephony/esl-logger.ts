import type { Logger } from '../logging/logger.js';

/**
 * esl logs every frame at debug and its own retries at error; ours go one level down so a busy switch does
 * not flood the log, and nothing goes to the console. esl calls these on every frame it reads or writes (an
 * event's whole JSON body among them): the redaction below copies the data, so it runs only when the line
 * will be written — at the usual levels no frame is copied on the event path.
 */
export function eslLogger(logger: Logger) {
  const log = logger.child({ component: 'esl' });
  return {
    debug: (msg: string, data?: unknown) => {
      if (log.isLevelEnabled('trace')) log.trace({ data: redactAuth(data) }, redactAuth(msg) as string);
    },
    info: (msg: string, data?: unknown) => log.debug({ data }, msg),
    error: (msg: string, data?: unknown) => log.debug({ data }, msg),
  };
}

/** `auth <password>` is an ESL frame like any other: never let it reach a log line. */
function redactAuth(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\bauth\s+\S+/g, 'auth [redacted]');
  if (value && typeof value === 'object') {
    try {
      return JSON.parse(JSON.stringify(value).replace(/\bauth\s+[^\s"\\]+/g, 'auth [redacted]'));
    } catch {
      return '[unserialisable]';
    }
  }
  return value;
}
