/**
 * SQLite with bound values (src/db/bound-sqlite.ts) against MikroORM's own formatting of values into the
 * SQL text, on the same workload in one run: rows inserted in batches of 500, rows read one by one by
 * key, `in (…)` lookups of 100 keys. Both databases are open at once and the work alternates between
 * them in small slices, so both see the same load on a shared machine.
 *   npm run bench -- sqlite-binding [--rows 20000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MikroORM, SqliteDriver, type Options } from '@mikro-orm/sql';
import { migrateUp, ormOptions } from '../src/db/orm.js';
import { ContactHistorySchema } from '../src/domain/outreach/contact-history.entity.js';

export const description = 'SQLite: bound parameters vs values formatted into the SQL text (insert, read by key, in-lists)';

type Side = { name: 'inlined' | 'bound'; orm: MikroORM; dir: string; ms: Record<Phase, number> };
type Phase = 'insert' | 'read' | 'inList';

async function open(name: Side['name']): Promise<Side> {
  const dir = mkdtempSync(join(tmpdir(), 'salesops-bench-'));
  const base = ormOptions({ kind: 'sqlite', file: join(dir, 'bench.sqlite') });
  const orm = await MikroORM.init((name === 'bound' ? base : { ...base, driver: SqliteDriver }) as Options);
  await migrateUp(orm);
  return { name, orm, dir, ms: { insert: 0, read: 0, inList: 0 } };
}

async function timed(side: Side, phase: Phase, work: () => Promise<unknown>): Promise<void> {
  const t = performance.now();
  await work();
  side.ms[phase] += performance.now() - t;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { rows: { type: 'string', default: '20000' } } });
  const rows = Number(values.rows);
  const sides = [await open('inlined'), await open('bound')];
  const now = new Date();
  try {
    for (let i = 0; i < rows; i += 500) {
      const chunk = Array.from({ length: Math.min(500, rows - i) }, (_, k) => ({
        phone: `+86138${String(i + k).padStart(8, '0')}`,
        phoneLast8: String(i + k).padStart(8, '0'),
        channel: 'sms' as const,
        type: 'follow_up' as const,
        content: `您好，客户${i + k}，感谢您的光临！拒收请回复R`,
        status: 'sent',
        createdAt: now,
      }));
      for (const side of sides) await timed(side, 'insert', () => side.orm.em.fork().insertMany(ContactHistorySchema, chunk));
    }
    const reads = Math.min(rows, 5000);
    for (let id = 1; id <= reads; id += 100) {
      for (const side of sides) {
        await timed(side, 'read', async () => {
          for (let k = id; k < id + 100; k++) await side.orm.em.fork().findOne(ContactHistorySchema, { id: k });
        });
      }
    }
    const lists = 200;
    for (let n = 0; n < lists; n++) {
      const ids = Array.from({ length: 100 }, (_, k) => ((n * 100 + k) % rows) + 1);
      for (const side of sides) await timed(side, 'inList', () => side.orm.em.fork().find(ContactHistorySchema, { id: { $in: ids } }));
    }
    const [inlined, bound] = sides as [Side, Side];
    const rate = (side: Side, phase: Phase, n: number) => n / (side.ms[phase] / 1000);
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    for (const [label, phase, n] of [['rows inserted/s (batches of 500)', 'insert', rows], ['reads by key/s', 'read', reads], ['in-lists of 100 keys/s', 'inList', lists]] as const) {
      const a = rate(inlined, phase, n);
      const b = rate(bound, phase, n);
      console.log(`${label.padEnd(34)} inlined ${fmt(a).padStart(8)}   bound ${fmt(b).padStart(8)}   ratio ${(b / a).toFixed(2)}`);
    }
  } finally {
    for (const side of sides) {
      await side.orm.close(true);
      rmSync(side.dir, { recursive: true, force: true });
    }
  }
}
