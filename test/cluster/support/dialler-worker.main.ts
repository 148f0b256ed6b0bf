/**
 * An app process of the call-task lease test: the real app (composition root, job worker, event socket)
 * with a clock starting at CLOCK_START_MS, so the calling window is open whatever hour the suite runs.
 * Logs `dialler worker ready` once connected to the switch. With RUN_TASK_ID it also runs that task's
 * dialler once, outside the job worker, as soon as another process dials the task (seen in the task's
 * lease), and logs `dialler run returned` with the result. With DIAL_TASK_ID it runs that task's dialler at
 * once (to its end) and logs the same. Everything else comes from the environment.
 */
import { start } from '../../../src/composition/root.js';
import { CallTaskSchema } from '../../../src/domain/call-tasks/call-task.entity.js';
import { runCallTask } from '../../../src/domain/call-tasks/dialler.js';
import { waitFor } from '../../support/wait-for.js';
import { MovableClock } from '../../call-tasks/support/movable-clock.js';

const say = (fields: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(fields)}\n`);
const app = await start(process.env, { clock: new MovableClock(new Date(Number(process.env.CLOCK_START_MS))) });
await app.telephony!.events.ready();
say({ msg: 'dialler worker ready' });
const stop = () => void app.stop().then(() => process.exit(0), () => process.exit(1));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (process.env.RUN_TASK_ID) {
  const taskId = Number(process.env.RUN_TASK_ID);
  const me = process.env.JOBS_WORKER_NAME;
  const owner = await waitFor(async () => {
    const task = await app.orm.em.fork().findOne(CallTaskSchema, { id: taskId }, { fields: ['diallerOwner'] });
    return task?.diallerOwner ?? undefined;
  }, 'a process to dial the task', 600_000);
  if (owner !== me) {
    const result = await runCallTask(app.callTasks.dialler(), taskId);
    say({ msg: 'dialler run returned', result, owner });
  }
}
if (process.env.DIAL_TASK_ID) {
  const result = await runCallTask(app.callTasks.dialler(), Number(process.env.DIAL_TASK_ID));
  say({ msg: 'dialler run returned', result });
}
