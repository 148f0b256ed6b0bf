import { inProcessBoardBus, type BoardBus, type BoardTopic } from '../ports/board-bus.port.js';

/**
 * "Something the live board shows has changed and is committed": an approval submitted or decided, a call
 * recorded (today's figures), a staff status set, running work moved on (`progress`, see ProgressPulse).
 * Every open board stream reads what changed again at once.
 * Carries no data; goes through the board bus, so with REDIS_URL every process's boards hear it.
 */
export class BoardPulse {
  readonly #bus: BoardBus;

  constructor(bus: BoardBus = inProcessBoardBus()) {
    this.#bus = bus;
  }

  changed(topic: BoardTopic): void {
    this.#bus.publish({ kind: 'pulse', topic });
  }

  subscribe(listener: (topic: BoardTopic) => void): () => void {
    return this.#bus.subscribe((event) => {
      if (event.kind === 'pulse') listener(event.topic);
    });
  }
}
