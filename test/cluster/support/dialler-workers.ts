import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFailed } from 'vitest';
import { startServer, type ServerProcess } from '../../support/server-process.js';
import { switchSettings } from '../../call-tasks/support/dialler-app.js';
import type { DiallingSwitch } from '../../call-tasks/support/dialling-switch.js';

export type DiallerWorkers = {
  /** Starts one worker named `name` (its job worker's name and its lease owner) and waits until it is connected to the switch. */
  launch(name: string, extra?: Record<string, string>): Promise<ServerProcess>;
  /** Kills every worker still running and removes their data directories. */
  stop(): Promise<void>;
};

/**
 * App processes of the call-task cluster suites (dialler-worker.main.ts), each with its own line book, on
 * one database and one fake switch, their clocks starting at `clockStart` (in the calling window whatever
 * hour the suite runs). `env` is added to every worker's environment; a failed test prints each one's output.
 */
export function diallerWorkers(options: { sw: DiallingSwitch; databaseUrl: string; clockStart: number; env?: Record<string, string> }): DiallerWorkers {
  const dirs: string[] = [];
  const procs: ServerProcess[] = [];
  return {
    async launch(name, extra = {}) {
      const dir = mkdtempSync(join(tmpdir(), `dialler-worker-${name}-`));
      dirs.push(dir);
      const env = {
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        DATA_DIR: dir,
        DATABASE_URL: options.databaseUrl,
        ...switchSettings(options.sw),
        JOBS_WORKER_NAME: name,
        CLOCK_START_MS: String(options.clockStart),
        ...options.env,
        ...extra,
      };
      const p = startServer(env, { command: [process.execPath, '--import', 'tsx', 'test/cluster/support/dialler-worker.main.ts'] });
      procs.push(p);
      onTestFailed(() => console.log(`--- ${name} ---\n${p.out().slice(-6000)}\n${p.err().slice(-2000)}`));
      await p.logged('dialler worker ready');
      return p;
    },
    async stop() {
      for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await Promise.all(procs.map((p) => p.exited));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
