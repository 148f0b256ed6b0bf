import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { BoardListeners, type BoardBus, type BoardEvent } from '../../domain/ports/board-bus.port.js';
import type { Logger } from '../../logging/logger.js';

type Envelope = { origin: string; event: BoardEvent };

/**
 * Board events over Redis pub/sub (ioredis): one connection publishes, one subscribes to
 * `<prefix>:board`. This process's listeners hear its own events at once; the channel brings the other
 * processes' (our own come back too and are skipped by origin). No I/O before start(). While Redis is
 * away ioredis reconnects and subscribes again; events published meanwhile reach only this process
 * (the board's next snapshot catches up).
 */
export function createRedisBoardBus(options: { url: string; prefix: string; logger: Logger }): BoardBus {
  const log = options.logger.child({ component: 'board-bus' });
  const channel = `${options.prefix}:board`;
  const origin = randomUUID();
  const listeners = new BoardListeners();
  const connection = () => new Redis(options.url, { lazyConnect: true, connectionName: `salesops-board-${origin.slice(0, 8)}` });
  const publisher = connection();
  const subscriber = connection();
  let started = false;
  for (const [role, client] of [['publisher', publisher], ['subscriber', subscriber]] as const) {
    client.on('error', (err: Error) => log.warn({ role, err: err.message }, 'redis connection error'));
  }
  subscriber.on('message', (_channel: string, text: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return void log.warn({ text: text.slice(0, 200) }, 'unreadable board event on redis ignored');
    }
    if (envelope.origin !== origin) listeners.deliver(envelope.event);
  });
  return {
    publish(event) {
      listeners.deliver(event);
      if (!started) return;
      publisher.publish(channel, JSON.stringify({ origin, event } satisfies Envelope)).catch((err: Error) => log.warn({ err: err.message }, 'board event not published'));
    },
    subscribe: (listener) => listeners.add(listener),
    async start() {
      try {
        await Promise.all([publisher.connect(), subscriber.connect()]);
        await subscriber.subscribe(channel);
      } catch (err) {
        publisher.disconnect();
        subscriber.disconnect();
        throw new Error(`REDIS_URL: Redis is not answering (${(err as Error).message})`);
      }
      started = true;
      log.info({ channel }, 'board events shared through redis');
    },
    async stop() {
      started = false;
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}
