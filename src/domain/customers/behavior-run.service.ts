import { DeadlockException, type EntityManager } from '@mikro-orm/core';
import { localParts } from '../shared/business-time.js';
import { BehaviorRunSchema, type BehaviorRun, type BehaviorRunMode } from '../members/behavior-run.entity.js';
import {
  BehaviorSql, applySegmentDelta, computeCuts, listedScopes, loadCuts, maxVisitId, membersWithNewVisits, nextChunkEnd, recomputeBehavior, refreshSegmentStats, scoreAndTag, segmentTotals, storeCuts, withListedScope,
  type RunClock, type Scope,
} from './behavior.query.js';
import type { Cuts } from './rfm.policy.js';
import { SegmentRuleSchema } from './segment-rule.entity.js';
import type { SegmentRuleData } from './rfm.policy.js';
import { readCommitted } from '../../db/read-committed.js';

export const BEHAVIOR_JOB = 'customers.behavior';
/** 02:00 every day in BUSINESS_TZ. */
export const BEHAVIOR_CRON = '0 2 * * *';
export const DEFAULT_CHUNK = 5000;

export type BehaviorRunOptions = {
  mode: BehaviorRunMode;
  now: Date;
  timeZone: string;
  chunkSize?: number;
  /** Chunks worked at once on their own connections in a full run (default: 2 on MariaDB, 1 on SQLite). */
  parallel?: number;
  /** Called after every chunk with 0-100 (the job touches its lock and reports progress here). */
  onProgress?: (percent: number) => Promise<void>;
};

export type BehaviorRunSummary = { runId: number; mode: BehaviorRunMode; members: number; resumed: boolean; durationMs: number };

/** Minutes the zone is ahead of UTC at `at` (Asia/Shanghai: 480). */
export function utcOffsetMinutes(at: Date, timeZone: string): number {
  const local = localParts(at, timeZone);
  const asUtc = Date.parse(`${local.date}T${local.hhmm}:00Z`);
  return Math.round((asUtc - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * Recomputes behaviour, RFM scores, segments and tags in SQL, chunk by chunk (behaviour.query.ts).
 * A full run covers every member, `parallel` chunks at a time, and first recomputes the RFM cut points;
 * an incremental run covers the members with visits added since the last completed run: each listed
 * scope's behaviour, scores and tags in one transaction against the stored cut points, with segment_stats
 * moved by the difference the scope made (without a completed run or cut points it runs in full). A run
 * that stopped (crash, lost lock, error) is resumed from its last finished chunk by the next call,
 * whatever mode that asks for.
 */
export async function runBehavior(em: EntityManager, options: BehaviorRunOptions): Promise<BehaviorRunSummary> {
  const started = Date.now();
  const db = new BehaviorSql(em);
  const chunk = options.chunkSize ?? DEFAULT_CHUNK;
  const parallel = Math.max(1, options.parallel ?? (db.dialect === 'mysql' ? 2 : 1));
  let run = await em.findOne(BehaviorRunSchema, { status: 'running' }, { orderBy: { id: 'desc' }, disableIdentityMap: true });
  const resumed = Boolean(run);
  if (!run) run = await startRun(em, db, options);
  const clock: RunClock = { asOf: run.asOf, offsetMinutes: utcOffsetMinutes(run.asOf, options.timeZone) };
  const ids = run.mode === 'incremental' ? await membersWithNewVisits(db, await previousWatermark(em, run.id), run.visitWatermark) : undefined;
  const save = (fields: Partial<BehaviorRun>) => em.nativeUpdate(BehaviorRunSchema, { id: run.id }, fields);
  const total = run.members || 1;
  const rules = async () => (await em.find(SegmentRuleSchema, {}, { disableIdentityMap: true })) as SegmentRuleData[];
  try {
    if (ids && run.step === 'behavior') {
      const cuts = await loadCuts(db);
      if (!cuts) throw new Error('RFM cut points missing for an incremental run');
      const segmentRules = await rules();
      await eachChunk(db, run.cursor ?? '', chunk, ids, parallel, (scope) => inChunkTransaction(em, db, (tx) => refreshListed(tx, scope, cuts, segmentRules, clock)), async (scope, done) => {
        await save({ cursor: scope.hi, processed: done });
        await options.onProgress?.(Math.floor((99 * Math.min(done, total)) / total));
      });
    } else {
      if (run.step === 'behavior') {
        await eachChunk(db, run.cursor ?? '', chunk, ids, parallel, (scope) => inChunkTransaction(em, db, (tx) => withListedScope(tx, scope, () => recomputeBehavior(tx, scope, clock))), async (scope, done) => {
          await save({ cursor: scope.hi, processed: done });
          await options.onProgress?.(Math.floor((50 * Math.min(done, total)) / total));
        });
        if (run.mode === 'full') await storeCuts(db, await computeCuts(db), run.asOf);
        await save({ step: 'scores', cursor: '', processed: 0 });
        run.cursor = '';
      }
      const cuts = await loadCuts(db);
      if (!cuts) throw new Error('RFM cut points missing after the behaviour step');
      await scoreEveryone(em, { cuts, rules: await rules(), clock, chunk, parallel, cursor: run.cursor ?? '', ids }, async (scope, done) => {
        await save({ cursor: scope.hi, processed: done });
        await options.onProgress?.(50 + Math.floor((49 * Math.min(done, total)) / total));
      });
    }
    await save({ step: 'done', status: 'completed', finishedAt: new Date(), error: null });
    await options.onProgress?.(100);
  } catch (error) {
    await save({ error: String((error as Error).message ?? error).slice(0, 2000) });
    throw error;
  }
  return { runId: run.id, mode: run.mode, members: run.members, resumed, durationMs: Date.now() - started };
}

/**
 * The scores step: scores, segment and tags of every member after `cursor` (only `ids` when given)
 * against `cuts`, `parallel` chunks at a time, then segment_stats recounted.
 */
export async function scoreEveryone(
  em: EntityManager,
  o: { cuts: { r: Cuts; f: Cuts; m: Cuts }; rules: SegmentRuleData[]; clock: RunClock; chunk: number; parallel: number; cursor?: string; ids?: string[] },
  commit: (scope: Scope, done: number) => Promise<void> = async () => {},
): Promise<void> {
  const db = new BehaviorSql(em);
  await eachChunk(db, o.cursor ?? '', o.chunk, o.ids, o.parallel, (scope) => inChunkTransaction(em, db, (tx) => withListedScope(tx, scope, () => scoreAndTag(tx, scope, o.cuts, o.rules, o.clock))), commit);
  await refreshSegmentStats(db, o.clock.asOf);
}

/**
 * Recomputes a listed scope's behaviour, scores, segment and tags against stored cut points, and moves
 * segment_stats by the difference (its members' totals before and after; the rows read before are locked
 * on MariaDB, so two refreshes of one member take turns). `db` should be inside a transaction so the
 * figures and the stats change together: segment_stats then always equals a recount, and a scope done
 * again (a run resumed before it saved its cursor) moves it by nothing.
 */
export async function refreshListed(db: BehaviorSql, scope: Scope, cuts: { r: Cuts; f: Cuts; m: Cuts }, rules: SegmentRuleData[], clock: RunClock): Promise<void> {
  await withListedScope(db, scope, async () => {
    const before = await segmentTotals(db, scope, true);
    await recomputeBehavior(db, scope, clock);
    await scoreAndTag(db, scope, cuts, rules, clock);
    await applySegmentDelta(db, before, await segmentTotals(db, scope), clock.asOf);
  });
}

async function startRun(em: EntityManager, db: BehaviorSql, options: BehaviorRunOptions): Promise<BehaviorRun> {
  const watermark = await maxVisitId(db);
  let mode = options.mode;
  let members: number;
  if (mode === 'incremental' && (!(await em.findOne(BehaviorRunSchema, { status: 'completed' })) || !(await loadCuts(db)))) mode = 'full';
  if (mode === 'incremental') members = (await membersWithNewVisits(db, await previousWatermark(em, Number.MAX_SAFE_INTEGER), watermark)).length;
  else members = Number((await db.rows<{ n: number }>('select count(*) as n from members'))[0]?.n ?? 0);
  const run = em.create(BehaviorRunSchema, { mode, status: 'running', step: 'behavior', cursor: '', asOf: options.now, visitWatermark: watermark, members, processed: 0, startedAt: new Date() });
  await em.flush();
  return run;
}

/** The visit watermark of the last completed run before `beforeRunId`. */
async function previousWatermark(em: EntityManager, beforeRunId: number): Promise<number> {
  const prev = await em.findOne(BehaviorRunSchema, { status: 'completed', id: { $lt: beforeRunId } }, { orderBy: { id: 'desc' }, disableIdentityMap: true });
  return prev?.visitWatermark ?? 0;
}

/**
 * One chunk's statements in one transaction on a connection of its own (a fork of `em`): readers never
 * see a chunk half written, its temporary table stays on that connection, and on MariaDB READ COMMITTED
 * takes no gap locks (but for a unique secondary index's duplicate check that meets a deleted copy: the
 * run deletes no member_behavior row, and member_tags has no such index, member-tag.entity.ts), so
 * neighbouring chunks worked at the same time do not wait on each other's ranges.
 */
export function inChunkTransaction<T>(em: EntityManager, db: BehaviorSql, fn: (tx: BehaviorSql, tem: EntityManager) => Promise<T>): Promise<T> {
  return em.fork().transactional((tem) => fn(new BehaviorSql(tem), tem), readCommitted(em));
}

/** Attempts at a chunk that a deadlock with a neighbouring chunk rolled back (every step is idempotent). */
const CHUNK_ATTEMPTS = 3;

/**
 * A deadlock between parallel chunks. InnoDB reports one met while waiting for a table's auto-increment
 * lock (two INSERT … SELECT into member_behavior) as ER_AUTOINC_READ_FAILED, not as a deadlock.
 */
function isDeadlock(error: unknown): boolean {
  const { code, errno } = error as { code?: string; errno?: number };
  return error instanceof DeadlockException || code === 'ER_LOCK_DEADLOCK' || errno === 1213 || code === 'ER_AUTOINC_READ_FAILED' || errno === 1467;
}

/**
 * Walks the members after `cursor` in id order, `size` at a time (only `ids` when given, listedScopes),
 * working up to `parallel` chunks at once; `commit` (cursor and progress) follows chunk order, so the
 * saved cursor never passes an unfinished chunk. On a failure the chunks under way finish before it is
 * thrown, so nothing of this run still writes when the next one resumes.
 */
async function eachChunk(
  db: BehaviorSql, cursor: string, size: number, ids: string[] | undefined, parallel: number,
  work: (scope: Scope) => Promise<unknown>, commit: (scope: Scope, done: number) => Promise<void>,
): Promise<void> {
  const attempt = async (scope: Scope) => {
    for (let i = 1; ; i++) {
      try {
        return await work(scope);
      } catch (error) {
        if (!isDeadlock(error) || i >= CHUNK_ATTEMPTS) throw error;
      }
    }
  };
  const works: Array<Promise<unknown>> = [];
  const commits: Array<Promise<void>> = [];
  let previous: Promise<void> = Promise.resolve();
  const start = (scope: Scope, done: number) => {
    const w = attempt(scope);
    w.catch(() => {});
    works.push(w);
    const prev = previous;
    previous = (async () => {
      await w;
      await prev;
      await commit(scope, done);
    })();
    previous.catch(() => {});
    commits.push(previous);
  };
  try {
    if (ids) {
      let done = ids.filter((id) => id <= cursor).length;
      for (const scope of listedScopes(ids, cursor, size)) {
        start(scope, (done += scope.ids!.length));
        if (commits.length >= parallel) await commits[commits.length - parallel];
      }
    } else {
      let done = 0;
      for (let lo = cursor; ; ) {
        const hi = await nextChunkEnd(db, lo, size);
        if (hi === null) break;
        start({ lo, hi }, (done += size));
        if (commits.length >= parallel) await commits[commits.length - parallel];
        lo = hi;
      }
    }
    await previous;
  } catch (error) {
    await Promise.allSettled(works);
    throw error;
  }
}
