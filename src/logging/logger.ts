import { pino, type Logger, type DestinationStream } from 'pino';
import { maskPhonesDeep, maskPhonesInText } from './mask-phones.js';

export type { Logger };

/**
 * JSON logs on stdout. Phone numbers are personal data: every string that reaches a log line,
 * message or field, is passed through the mask first.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'sales-ops' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => maskPhonesDeep(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskPhonesInText(a) : a)) as Parameters<typeof method>;
          return method.apply(this, masked);
        },
      },
    },
    destination,
  );
}
