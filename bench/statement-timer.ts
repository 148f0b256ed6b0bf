import type { AbstractSqlConnection } from '@mikro-orm/sql';

/** One kind of statement of the behaviour run, recognised by its text. */
type Step = { label: string; test: RegExp };

/** Time per kind of statement a workload sent, summed over connections (bench only). */
export type StatementTimer = {
  /** Seconds per step since the last reset, largest first, with each step's share of their sum. */
  report(title: string): string;
  reset(): void;
};

/**
 * Wraps a MikroORM connection's execute (and transaction begin/commit) to time each statement from the
 * client, by step. Parallel chunks overlap, so the sum can exceed the wall time: the shares say where the
 * server's work goes, the wall time what the run took.
 */
export function timeStatements(conn: AbstractSqlConnection, steps: Step[]): StatementTimer {
  let spent = new Map<string, { ms: number; n: number }>();
  const add = (label: string, ms: number) => {
    const s = spent.get(label) ?? { ms: 0, n: 0 };
    spent.set(label, { ms: s.ms + ms, n: s.n + 1 });
  };
  const labelOf = (sql: string) => {
    const bare = sql.replace(/^\s*set statement .*? for\s+/is, '').replace(/\s+/g, ' ').trim();
    return steps.find((s) => s.test.test(bare))?.label ?? `other: ${bare.slice(0, 60)}`;
  };
  const timed = <T>(label: string, p: Promise<T>): Promise<T> => {
    const t0 = performance.now();
    return p.finally(() => add(label, performance.now() - t0));
  };
  const execute = conn.execute.bind(conn) as (...a: unknown[]) => Promise<unknown>;
  const begin = conn.begin.bind(conn) as (...a: unknown[]) => Promise<unknown>;
  const commit = conn.commit.bind(conn) as (...a: unknown[]) => Promise<unknown>;
  conn.execute = ((query: unknown, ...rest: unknown[]) => timed(typeof query === 'string' ? labelOf(query) : 'other: query builder', execute(query, ...rest))) as typeof conn.execute;
  conn.begin = ((...a: unknown[]) => timed('transaction begin/commit', begin(...a))) as typeof conn.begin;
  conn.commit = ((...a: unknown[]) => timed('transaction begin/commit', commit(...a))) as typeof conn.commit;
  return {
    reset: () => void (spent = new Map()),
    report(title) {
      const rows = [...spent].sort(([, a], [, b]) => b.ms - a.ms);
      const total = rows.reduce((s, [, r]) => s + r.ms, 0) || 1;
      const lines = rows.map(([label, r]) => `    ${(r.ms / 1000).toFixed(2).padStart(8)} s  ${((100 * r.ms) / total).toFixed(1).padStart(5)} %  ×${String(r.n).padEnd(5)} ${label}`);
      return [`  ${title}: statement time by step (summed over connections: ${(total / 1000).toFixed(2)} s)`, ...lines].join('\n');
    },
  };
}

/** The statements of behavior.query.ts / behavior-run.service.ts, by step. */
export const BEHAVIOR_STEPS: Step[] = [
  { label: 'behaviour: compute chunk (temporary table as select)', test: /^create temporary table behavior_chunk/i },
  { label: 'behaviour: delete chunk rows (before: rows replaced)', test: /^delete (b )?from member_behavior/i },
  { label: 'behaviour: update chunk rows in place', test: /^update member_behavior (b join|set .* from) (temp\.)?behavior_chunk/i },
  { label: 'behaviour: insert chunk rows (missing ones)', test: /^insert into member_behavior/i },
  { label: 'drop temporary table (behaviour chunk, score chunk)', test: /^drop (temporary )?table/i },
  { label: 'scores: chunk read into score_chunk (scores, segment, tag masks)', test: /^create temporary table score_chunk/i },
  { label: 'scores + segment (update member_behavior)', test: /^update score_chunk s straight_join member_behavior|^update member_behavior as u set/i },
  { label: 'members.segment mirror', test: /^update score_chunk s straight_join members|^update members set segment = b\.segment from/i },
  { label: 'tags: delete stale', test: /^delete t from score_chunk|^delete from member_tags where \(member_id, tag\) in \(select t\.member_id, t\.tag from (temp\.)?score_chunk/i },
  { label: 'listed ids: temporary table scope_members', test: /^(create|drop|insert into) (temporary table |temp table )?(if exists )?(temp\.)?scope_members/i },
  { label: 'cut points', test: /row_number\(\) over|^select count\(\*\) as n from member_behavior b ((straight_)?join members|left join \(select id from members)/i },
  { label: 'cut points: store/load', test: /rfm_thresholds/i },
  { label: 'scores + segment (update member_behavior)', test: /^update member_behavior/i },
  { label: 'members.segment mirror', test: /^update (scope_members sc straight_join )?members/i },
  { label: 'tags: delete stale', test: /^delete (t )?from member_tags/i },
  { label: 'tags: insert missing', test: /^insert into member_tags/i },
  { label: 'customers.segment mirror', test: /^update customers|^update \(select distinct ch\.customer_id/i },
  { label: 'segment totals (before/after a scope)', test: /^select segment, count\(\*\) as n/i },
  { label: 'segment_stats write', test: /segment_stats/i },
  { label: 'chunk bounds', test: /^select max\(id\) as hi/i },
  { label: 'changed members (visits after the watermark)', test: /^select distinct member_id from member_visits/i },
  { label: 'run bookkeeping (behavior_runs, rules, counts)', test: /behavior_runs|segment_rules|^select count\(\*\) as n from members|^select max\(id\) as id from member_visits/i },
];
