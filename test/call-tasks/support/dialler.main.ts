/**
 * One dialler in its own process, for the kill -9 test: boots the real app (composition root, telephony
 * over the event socket, the database given) with a clock starting at CLOCK_START_MS, runs the dialler of
 * TASK_ID once and prints one JSON line per step on stdout: `{"ready":true}` once connected to the
 * switch, `{"result":"completed"}` when the run returns. Everything else comes from the environment.
 */
import { start } from '../../../src/composition/root.js';
import { runCallTask } from '../../../src/domain/call-tasks/dialler.js';
import { MovableClock } from './movable-clock.js';

const clock = new MovableClock(new Date(Number(process.env.CLOCK_START_MS)));
const app = await start(process.env, { clock });
await app.telephony!.events.ready();
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
const result = await runCallTask(app.callTasks.dialler(), Number(process.env.TASK_ID), { budgetMs: 120_000 });
process.stdout.write(`${JSON.stringify({ result })}\n`);
await app.stop();
process.exit(0);
