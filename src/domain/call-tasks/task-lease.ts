import { raw, type EntityManager } from '@mikro-orm/core';
import { SqlitePlatform } from '@mikro-orm/sql';
import { CallSchema } from '../calls/call.entity.js';
import type { JobQueue } from '../ports/job-queue.port.js';
import { CALL_TASK_RUN_JOB, CALL_TASK_WATCH_JOB } from './call-task-deps.js';
import type { LineBook } from './line-book.js';
import { CallTaskPhoneSchema } from './call-task-phone.entity.js';
import { CallTaskSchema } from './call-task.entity.js';

/**
 * One dialler per task across every process of the deployment: a lease on the task's row
 * (`t_call_task.dialler_owner`, `dialler_lease_until`). A run takes it when it is free, expired or already
 * this process's, renews it every quarter of its time and gives it back when it ends. Each step is one
 * conditional UPDATE (atomic on MariaDB with real parallel connections and on SQLite's single writer; no
 * transaction of its own, so it never waits on one of its caller's). Every claim of an attempt checks the
 * lease inside its transaction (`fence`): once another process has taken the task over, this one cannot
 * claim another number of it, whatever its heartbeat has seen. While a task is dialled, its watch (the job
 * `call-task.watch`) comes once per lease time and always queues the next one first; when the lease has
 * expired (its holder died) it also queues a run that takes the task over. The watch's job lock lasts one
 * lease time, so a watch held by a process that died runs again elsewhere a lease time later: whatever job
 * a dead process held, its task is taken over about two lease times after its last heartbeat. Lease times
 * are the database's clock, never a host's: two hosts whose
 * clocks disagree still agree on whether a lease has expired (`databaseNow`). Only the watch's job time is
 * this host's clock (the job store runs it): it is queued at this host's now plus the lease's time left by the
 * database's clock (`leaseEnd`), so a host whose clock is behind the database's does not queue it late.
 */
export class TaskLeases {
  constructor(
    /** This process (the job worker's name when set: a process restarted under its name takes its tasks back at once). */
    readonly owner: string,
    /** How long a lease holds without a heartbeat: a dead dialler's task is taken over after at most this. */
    readonly leaseMs: number,
  ) {}

  /** Takes the task's lease when nobody holds it, it has expired or it is already ours; false when another process dials the task. */
  async take(em: EntityManager, taskId: number): Promise<boolean> {
    const free = [{ diallerOwner: null }, { diallerOwner: this.owner }, { diallerLeaseUntil: null }, { diallerLeaseUntil: { $lt: databaseNow(em) } }];
    const taken = await em.nativeUpdate(CallTaskSchema, { id: taskId, $or: free }, { diallerOwner: this.owner, diallerLeaseUntil: databaseNow(em, this.leaseMs) });
    return taken === 1;
  }

  /** Extends our lease; false when another process has taken the task over meanwhile. */
  async renew(em: EntityManager, taskId: number): Promise<boolean> {
    const renewed = await em.nativeUpdate(CallTaskSchema, { id: taskId, diallerOwner: this.owner }, { diallerLeaseUntil: databaseNow(em, this.leaseMs) });
    return renewed === 1;
  }

  /** Gives the task back (only if it is still ours): the next run, in any process, takes it at once. */
  async release(em: EntityManager, taskId: number): Promise<void> {
    await em.nativeUpdate(CallTaskSchema, { id: taskId, diallerOwner: this.owner }, { diallerOwner: null, diallerLeaseUntil: null });
  }

  /**
   * The watch of a dialled task, queued for the first multiple of the lease time after `after`: every watch
   * queued meanwhile (by the holder, by refused runs, by the previous watch) falls on that instant and shares
   * one job (its unique key). Resolves with that instant.
   */
  async watch(jobs: JobQueue, taskId: number, after: Date): Promise<Date> {
    const at = new Date(Math.ceil((after.getTime() + 1) / this.leaseMs) * this.leaseMs);
    await jobs.enqueue(CALL_TASK_WATCH_JOB, { taskId }, { runAt: at, uniqueKey: `call-task:${taskId}:watch:${at.getTime()}` });
    return at;
  }

  /**
   * A watch has come. Nothing (`idle`) when the task is not running or nobody holds it (its holder gave it
   * back and queued what comes next). Otherwise the next watch is queued first, whatever follows (so the
   * watches go on even if this process dies now, or the run below is held by one that dies); then, when the
   * holder's lease has expired (`take-over`), a run that takes the task over, due now (`lookAgain`).
   */
  async lookAgain(em: EntityManager, jobs: JobQueue, taskId: number): Promise<'take-over' | 'held' | 'idle'> {
    const task = await em.findOne(CallTaskSchema, { id: taskId }, { fields: ['status', 'diallerOwner', 'diallerLeaseUntil'] });
    if (!task || task.status !== 'RUNNING' || !task.diallerOwner) return 'idle';
    // The lease's time left by the database's clock, from this host's now: a database time is never a job time
    // (a host whose clock is behind would queue the watch late). Never before this host's now either.
    const next = await this.watch(jobs, taskId, await this.leaseEnd(em, taskId));
    if (!(await this.expired(em, taskId))) return 'held';
    await jobs.enqueue(CALL_TASK_RUN_JOB, { taskId, lookAgain: true }, { uniqueKey: `call-task:${taskId}:take-over:${next.getTime()}` });
    return 'take-over';
  }

  /**
   * When the task's lease ends on this host's clock: now plus the time it has left by the database's clock
   * (none when it has expired or nobody holds it). Job times are this host's clock, lease times the database's.
   */
  async leaseEnd(em: EntityManager, taskId: number): Promise<Date> {
    const sqlite = em.getPlatform() instanceof SqlitePlatform;
    const left = sqlite
      ? `dialler_lease_until - cast(round((julianday('now') - 2440587.5) * 86400000) as integer)`
      : 'timestampdiff(microsecond, utc_timestamp(3), dialler_lease_until) / 1000';
    const rows = await em.getConnection().execute<Array<{ left_ms: number | string | null }>>(`select ${left} as left_ms from t_call_task where id = ?`, [taskId]);
    const ms = Number(rows[0]?.left_ms ?? 0);
    return new Date(Date.now() + Math.max(0, Number.isFinite(ms) ? ms : 0));
  }

  /** Whether the task is RUNNING and held under a lease that has expired (its holder died): a run may take it over. */
  async expired(em: EntityManager, taskId: number): Promise<boolean> {
    const stale = { id: taskId, status: 'RUNNING' as const, diallerOwner: { $ne: null }, $or: [{ diallerLeaseUntil: null }, { diallerLeaseUntil: { $lt: databaseNow(em) } }] };
    return (await em.count(CallTaskSchema, stale)) === 1;
  }

  /** The claim's condition on the task row: still ours. */
  fence(): { diallerOwner: string } {
    return { diallerOwner: this.owner };
  }
}

/**
 * The database's clock (plus `plusMs`) as SQL, written as the dialect stores a datetime: on MariaDB a UTC
 * `DATETIME` (UTC_TIMESTAMP, whatever the session's time zone; the app writes UTC), on SQLite the epoch
 * milliseconds MikroORM stores (src/db/bound-sqlite.ts), from julianday('now').
 */
function databaseNow(em: EntityManager, plusMs = 0) {
  const ms = Math.round(plusMs);
  if (em.getPlatform() instanceof SqlitePlatform) return raw(`(cast(round((julianday('now') - 2440587.5) * 86400000) as integer) + ?)`, [ms]);
  return raw('(utc_timestamp(3) + interval ? microsecond)', [ms * 1000]);
}

/** The lease of one run: renewed on a timer (with the job's own lock) until the run ends or loses it. */
export class RunLease {
  #lost = false;
  #held = false;
  #ended = false;
  #beating = false;
  readonly #timer: NodeJS.Timeout;
  readonly #lostListeners: Array<() => void> = [];
  /** Lines this run holds for calls it did not place (a dead dialler's calls still on the switch). */
  readonly #adopted = new Set<string>();

  /** Starts the heartbeat at once (every quarter of the lease time; it renews the lease once taken). */
  constructor(
    private readonly leases: TaskLeases,
    private readonly fork: () => EntityManager,
    private readonly taskId: number,
    private readonly log?: (fields: Record<string, unknown>, message: string) => void,
  ) {
    this.#timer = setInterval(() => void this.#beat(), Math.max(100, Math.floor(leases.leaseMs / 4)));
  }

  /** Another process took the task over: this run must stop dialling it. */
  get lost(): boolean {
    return this.#lost;
  }

  /** Calls `listener` once, when the lease is lost. */
  onLost(listener: () => void): void {
    this.#lostListeners.push(listener);
  }

  async take(): Promise<boolean> {
    this.#held = await this.leases.take(this.fork(), this.taskId);
    return this.#held;
  }

  async #beat(): Promise<void> {
    if (this.#beating) return;
    this.#beating = true;
    try {
      if (!this.#held || this.#lost) return;
      if (await this.leases.renew(this.fork(), this.taskId)) return;
      this.#lost = true;
      this.log?.({ taskId: this.taskId, owner: this.leases.owner }, 'call task taken over by another process: this dialler stops');
      for (const listener of this.#lostListeners.splice(0)) listener();
    } catch (err) {
      this.log?.({ err, taskId: this.taskId }, 'renewing the call task lease failed');
    } finally {
      this.#beating = false;
    }
  }

  /**
   * At the start of a run, once the dead dialler's `dialing` attempts are `unknown`: each of their calls the
   * switch may still carry holds its line in this process's book before anything is dialled, so the
   * device never has more calls than lines. A line is let go when the channel's hangup reaches this process,
   * when the attempt is settled, or when `sweep` finds the call ended.
   */
  async adoptInFlight(lines: LineBook): Promise<number> {
    const em = this.fork();
    const open = await em.find(CallTaskPhoneSchema, { task: this.taskId, status: 'unknown', lastCallId: { $ne: null } }, { fields: ['lastCallId'] });
    // A call whose hangup this process heard holds no line, its rows not settled yet or not.
    const ids = open.map((p) => p.lastCallId!).filter((id) => !lines.holds(id) && !lines.heardEnd(id));
    if (ids.length === 0) return 0;
    const calls = await em.find(CallSchema, { uuid: { $in: ids }, endedAt: null, deviceId: { $ne: null } }, { fields: ['uuid', 'deviceId'] });
    for (const call of calls) {
      if (lines.holds(call.uuid) || lines.heardEnd(call.uuid)) continue;
      lines.take(call.deviceId!, call.uuid);
      this.#adopted.add(call.uuid);
    }
    // A hangup settled between the read and the take has already passed this process's book: let its line go.
    await this.sweep(lines);
    return this.#adopted.size;
  }

  /** Lets go of adopted lines whose call has ended (its hangup was handled before this process held the line). */
  async sweep(lines: LineBook): Promise<void> {
    for (const id of [...this.#adopted]) if (!lines.holds(id)) this.#adopted.delete(id);
    if (this.#adopted.size === 0) return;
    const ended = await this.fork().find(CallSchema, { uuid: { $in: [...this.#adopted] }, endedAt: { $ne: null } }, { fields: ['uuid'] });
    for (const call of ended) {
      this.#adopted.delete(call.uuid);
      lines.release(call.uuid);
    }
  }

  /** Stops the heartbeat and gives the lease back; true when the task is RUNNING again meanwhile (a START after the STOP this run saw). */
  async end(): Promise<boolean> {
    clearInterval(this.#timer);
    if (this.#ended) return false;
    this.#ended = true;
    if (!this.#held || this.#lost) return false;
    const em = this.fork();
    await this.leases.release(em, this.taskId);
    const task = await em.findOne(CallTaskSchema, { id: this.taskId }, { fields: ['status'] });
    return task?.status === 'RUNNING';
  }
}
