/**
 * The real app in its own process (the composition root, as `npm start` builds it, settings from the
 * environment) with one job kind more: `cluster-test.mark` writes its sequence number and this worker's
 * name into `cluster_job_marks`, whose primary key is the sequence number. A job whose process died after
 * the mark but before the job store recorded the end runs again elsewhere: the second mark is ignored
 * and written to `cluster_job_reruns` instead, so the test sees both "done once" and "run again".
 */
import { z } from 'zod';
import { start } from '../../../src/composition/root.js';
import type { Orm } from '../../../src/db/orm.js';
import { MARK_JOB } from './job-marks.js';

let orm: Orm | undefined;
const worker = process.env.JOBS_WORKER_NAME ?? String(process.pid);
const app = await start(process.env, {
  extraJobs: [
    {
      name: MARK_JOB,
      parse: (data) => z.object({ seq: z.number().int() }).passthrough().parse(data),
      run: async ({ seq }: { seq: number }) => {
        const conn = orm!.em.fork().getConnection();
        const marked = await conn.execute<{ affectedRows: number }>('INSERT IGNORE INTO cluster_job_marks (seq, worker) VALUES (?, ?)', [seq, worker], 'run');
        if (marked.affectedRows === 0) await conn.execute('INSERT INTO cluster_job_reruns (seq, worker) VALUES (?, ?)', [seq, worker], 'run');
      },
      backoff: null,
    },
  ],
});
orm = app.orm;
const stop = () => void app.stop().then(() => process.exit(0), () => process.exit(1));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
