import type { EntityManager } from '@mikro-orm/core';
import { localParts } from '../shared/business-time.js';
import { BehaviorRunSchema, type BehaviorRun, type BehaviorRunMode } from '../members/behavior-run.entity.js';
import { BehaviorSql, computeCuts, listedScopes, loadCuts, maxVisitId, membersWithNewVisits, nextChunkEnd, recomputeBehavior, refreshSegmentStats, scoreAndTag, storeCuts, type RunClock, type Scope } from './behavior.query.js';
import { SegmentRuleSchema } from './segment-rule.entity.js';
import type { SegmentRuleData } from './rfm.policy.js';

export const BEHAVIOR_JOB = 'customers.behavior';
/** 02:00 every day in BUSINESS_TZ. */
export const BEHAVIOR_CRON = '0 2 * * *';
export const DEFAULT_CHUNK = 5000;

export type BehaviorRunOptions = {
  mode: BehaviorRunMode;
  now: Date;
  timeZone: string;
  chunkSize?: number;
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
 * A full run covers every member and first recomputes the RFM cut points; an incremental run covers
 * the members with visits added since the last completed run and scores them against the stored cut
 * points (without a completed run or cut points it runs in full). A run that stopped (crash, lost
 * lock, error) is resumed from its last finished chunk by the next call, whatever mode that asks for.
 */
export async function runBehavior(em: EntityManager, options: BehaviorRunOptions): Promise<BehaviorRunSummary> {
  const started = Date.now();
  const db = new BehaviorSql(em);
  const chunk = options.chunkSize ?? DEFAULT_CHUNK;
  let run = await em.findOne(BehaviorRunSchema, { status: 'running' }, { orderBy: { id: 'desc' }, disableIdentityMap: true });
  const resumed = Boolean(run);
  if (!run) run = await startRun(em, db, options);
  const clock: RunClock = { asOf: run.asOf, offsetMinutes: utcOffsetMinutes(run.asOf, options.timeZone) };
  const ids = run.mode === 'incremental' ? await membersWithNewVisits(db, await previousWatermark(em, run.id), run.visitWatermark) : undefined;
  const save = (fields: Partial<BehaviorRun>) => em.nativeUpdate(BehaviorRunSchema, { id: run.id }, fields);
  const total = run.members || 1;
  try {
    if (run.step === 'behavior') {
      await eachChunk(db, run.cursor ?? '', chunk, ids, async (scope, done) => {
        await recomputeBehavior(db, scope, clock);
        await save({ cursor: scope.hi, processed: done });
        await options.onProgress?.(Math.floor((50 * Math.min(done, total)) / total));
      });
      if (run.mode === 'full') await storeCuts(db, await computeCuts(db), run.asOf);
      await save({ step: 'scores', cursor: '', processed: 0 });
      run.cursor = '';
    }
    const cuts = await loadCuts(db);
    if (!cuts) throw new Error('RFM cut points missing after the behaviour step');
    const rules = (await em.find(SegmentRuleSchema, {}, { disableIdentityMap: true })) as SegmentRuleData[];
    await eachChunk(db, run.cursor ?? '', chunk, ids, async (scope, done) => {
      await scoreAndTag(db, scope, cuts, rules, clock);
      await save({ cursor: scope.hi, processed: done });
      await options.onProgress?.(50 + Math.floor((49 * Math.min(done, total)) / total));
    });
    await refreshSegmentStats(db, run.asOf);
    await save({ step: 'done', status: 'completed', finishedAt: new Date(), error: null });
    await options.onProgress?.(100);
  } catch (error) {
    await save({ error: String((error as Error).message ?? error).slice(0, 2000) });
    throw error;
  }
  return { runId: run.id, mode: run.mode, members: run.members, resumed, durationMs: Date.now() - started };
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

/** Walks the members after `cursor` in id order, `size` at a time (only `ids` when given, listedScopes). */
async function eachChunk(db: BehaviorSql, cursor: string, size: number, ids: string[] | undefined, fn: (scope: Scope, done: number) => Promise<void>): Promise<void> {
  let lo = cursor;
  if (ids) {
    let done = ids.filter((id) => id <= cursor).length;
    for (const scope of listedScopes(ids, cursor, size)) await fn(scope, (done += scope.ids!.length));
    return;
  }
  let done = 0;
  for (;;) {
    const hi = await nextChunkEnd(db, lo, size);
    if (hi === null) return;
    done += size;
    await fn({ lo, hi }, done);
    lo = hi;
  }
}
