import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './wait-for.js';

/**
 * Starting a process through tsx compiles the entry point's import graph first: a few seconds on a
 * quiet machine, much more on a loaded one. The deadline only turns a hang into a readable failure.
 */
export const PROCESS_START_MS = 180_000;

export type ServerProcess = {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The base URL once the server logs "http door listening". */
  listening: Promise<string>;
  /** Resolves with the first JSON log line whose msg is `msg` (and that `match` accepts). */
  logged(msg: string, match?: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  out(): string;
  err(): string;
};

export type StartOptions = {
  /** What to run; by default the entry point under tsx, as the start script runs it. */
  command?: string[];
  /** Lead a process group of its own, so the test can signal the group as a terminal does. */
  detached?: boolean;
};

/**
 * The real server entry point (src/main.ts) in its own process, as `npm start` runs it, with only
 * PATH, HOME and `env` in its environment. Every wait is on its output, never on a fixed time.
 */
export function startServer(env: Record<string, string>, options: StartOptions = {}): ServerProcess {
  const [file, ...args] = options.command ?? [process.execPath, '--import', 'tsx', 'src/main.ts'];
  const child = spawn(file!, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  let gone = false;
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      gone = true;
      resolve({ code, signal });
    }),
  );
  const lines = () =>
    stdout.split('\n').flatMap((l) => {
      if (!l.startsWith('{')) return [];
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const logged = (msg: string, match: (line: Record<string, unknown>) => boolean = () => true) =>
    waitFor(
      () => {
        const line = lines().find((l) => l['msg'] === msg && match(l));
        if (!line && gone) throw new Error(`the server exited before logging "${msg}"; output:\n${(stdout + stderr).slice(-3000)}`);
        return line;
      },
      `the server to log "${msg}"`,
      PROCESS_START_MS,
    );
  const listening = logged('http door listening').then((line) => line['url'] as string);
  listening.catch(() => undefined); // a test that never asks must not see an unhandled rejection
  return { child, exited, listening, logged, out: () => stdout, err: () => stderr };
}
