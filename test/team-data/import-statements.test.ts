import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AbstractSqlConnection } from '@mikro-orm/sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSql, type SqlCounter } from '../../bench/sql-counter.js';
import { ConsentSchema } from '../../src/domain/compliance/consent.entity.js';
import { createImport, runImport } from '../../src/domain/imports/import.service.js';
import type { ImportKind } from '../../src/domain/imports/import.entity.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import type { Orm } from '../../src/db/orm.js';
import { spreadsheetReader } from '../../src/gateways/spreadsheet/spreadsheet-reader.js';
import { createMigratedOrm, DIALECTS } from '../support/database.js';

const ROWS = 1000;
const mobile = (i: number) => `137${String(i).padStart(8, '0')}`;

/**
 * The members and consents imports resolve their rows' numbers to customers in one lookup per batch (the
 * customers module's bulk rule), not one per row: the statements of a 1,000-row batch do not grow with
 * its rows.
 */
describe.each(DIALECTS)('statements per 1,000 rows of the members and consents imports (%s)', (dialect) => {
  let orm: Orm;
  let close: () => Promise<void>;
  let counter: SqlCounter;
  const dir = mkdtempSync(join(tmpdir(), 'import-statements-'));

  const importCsv = async (kind: ImportKind, lines: string[]) => {
    const file = join(dir, `${kind}.csv`);
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const em = orm.em.fork();
    const job = await createImport(em, null, { kind, fileName: `${kind}.csv`, format: 'csv', encoding: 'auto', storedPath: file });
    counter.reset();
    const done = await runImport(em, spreadsheetReader, job.id, { timeZone: 'Asia/Shanghai', batchSize: ROWS });
    return { done, counts: counter.counts() };
  };

  beforeAll(async () => {
    ({ orm, close } = await createMigratedOrm(dialect));
    counter = countSql(orm.em.getConnection() as AbstractSqlConnection, 1);
    const customers = await importCsv('customers', ['客户编号,客户名称,联系人,联系人手机', ...Array.from({ length: ROWS }, (_, i) => `C${i},客户${i},联系人${i},${mobile(i)}`)]);
    expect(customers.done).toMatchObject({ status: 'completed', created: ROWS });
  });
  afterAll(async () => {
    await close?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('members: each new member joins the customer whose number it is, in a constant number of statements', async () => {
    const { done, counts } = await importCsv('members', ['姓名,手机号,积分', ...Array.from({ length: ROWS }, (_, i) => `会员${i},${mobile(i)},${i}`)]);
    expect(done).toMatchObject({ status: 'completed', created: ROWS, rejected: 0 });
    const members = await orm.em.fork().find(MemberSchema, {}, { fields: ['id', 'customer'], disableIdentityMap: true });
    expect(members).toHaveLength(ROWS);
    expect(members.every((m) => m.customer?.id === `C${Number(m.id.slice(-8))}`)).toBe(true);
    // The whole import, its bookkeeping included: 14 statements (6 SELECTs). Before: 4,013 (4 SELECTs a row).
    expect(counts.byVerb.SELECT ?? 0).toBeLessThanOrEqual(8);
    expect(counts.statements).toBeLessThanOrEqual(20);
  });

  it('consents: each ledger row carries the customer whose number it is, in a constant number of statements', async () => {
    const { done, counts } = await importCsv('consents', ['手机号,渠道,状态,来源', ...Array.from({ length: ROWS }, (_, i) => `${mobile(i)},短信,同意,signed_form`)]);
    expect(done).toMatchObject({ status: 'completed', created: ROWS, rejected: 0 });
    const ledger = await orm.em.fork().find(ConsentSchema, {}, { fields: ['phone', 'customer'], disableIdentityMap: true });
    expect(ledger).toHaveLength(ROWS);
    expect(ledger.every((c) => c.customer?.id === `C${Number(c.phone.slice(-8))}`)).toBe(true);
    // 17 statements (9 SELECTs, the ledger rows one INSERT). Before: 5,014 (4 SELECTs and an INSERT a row).
    expect(counts.byVerb.SELECT ?? 0).toBeLessThanOrEqual(12);
    expect(counts.statements).toBeLessThanOrEqual(20);
    const again = await importCsv('consents', ['手机号,渠道,状态,来源', ...Array.from({ length: ROWS }, (_, i) => `${mobile(i)},短信,同意,signed_form`)]);
    expect(again.done).toMatchObject({ status: 'completed', created: 0, unchanged: ROWS });
  });
});
