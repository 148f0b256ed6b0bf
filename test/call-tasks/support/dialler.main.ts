/**
 * One dialler in its own process, for the kill -9 tests: boots the real app (composition root, telephony
 * over the event socket, the database given) with a clock starting at CLOCK_START_MS, runs the dialler of
 * TASK_ID once and prints one JSON line per step on stdout: `{"ready":true}` once connected to the
 * switch, `{"result":"completed"}` when the run returns. Everything else comes from the environment.
 * FREEZE_AFTER_LOG: the process stops dead (its one thread blocks for good) right after writing the log
 * line with that message — where it stood when the test kills it.
 */
import { writeSync } from 'node:fs';
import { start } from '../../../src/composition/root.js';
import { runCallTask } from '../../../src/domain/call-tasks/dialler.js';
import { createLogger } from '../../../src/logging/logger.js';
import { MovableClock } from './movable-clock.js';

const freezeAfter = process.env.FREEZE_AFTER_LOG;
const logger = freezeAfter
  ? createLogger(process.env.LOG_LEVEL ?? 'info', {
      write(line: string) {
        writeSync(1, line);
        if ((JSON.parse(line) as { msg?: string }).msg === freezeAfter) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      },
    })
  : undefined;
const clock = new MovableClock(new Date(Number(process.env.CLOCK_START_MS)));
const app = await start(process.env, { clock, logger });
await app.telephony!.events.ready();
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
const result = await runCallTask(app.callTasks.dialler(), Number(process.env.TASK_ID), { budgetMs: 120_000 });
process.stdout.write(`${JSON.stringify({ result })}\n`);
await app.stop();
process.exit(0);
