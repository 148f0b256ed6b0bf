import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { createMigratedOrm, DIALECTS, type Dialect } from './support/database.js';
import type { Orm } from '../src/db/orm.js';
import { domainEntities } from '../src/db/entities.js';
import { CustomerSchema } from '../src/domain/customers/customer.entity.js';
import { CustomerContactSchema } from '../src/domain/customers/customer-contact.entity.js';
import { CustomerCommunicationSchema } from '../src/domain/customers/customer-communication.entity.js';
import { SmsBatchSchema } from '../src/domain/outreach/sms-batch.entity.js';
import { SmsBatchRecipientSchema } from '../src/domain/outreach/sms-batch-recipient.entity.js';
import { StaffSchema } from '../src/domain/staff/staff.entity.js';
import { normalizePhone } from '../src/domain/shared/phone.js';

const domainTables = domainEntities.map((e) => e.meta.tableName).sort();

function last8(raw: string): string {
  const phone = normalizePhone(raw);
  if (!phone) throw new Error(`not a phone number: ${raw}`);
  return phone.last8;
}

function e164(raw: string): string {
  const phone = normalizePhone(raw);
  if (!phone) throw new Error(`not a phone number: ${raw}`);
  return phone.e164;
}

/** The statements of a schema diff that touch a domain table (by table name or an index named after it). */
function domainStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !/^set names/i.test(s))
    .filter((s) => [...s.matchAll(/`(\w+)`/g)].some(([, id]) => domainTables.some((t) => id === t || id!.startsWith(`${t}_`))));
}

/** What the database itself says the domain tables are; used to prove a diff changes nothing. */
async function dumpDomainSchema(orm: Orm, dialect: Dialect): Promise<string[]> {
  const conn = orm.em.getConnection();
  if (dialect === 'sqlite') {
    const rows = await conn.execute<{ sql: string }[]>(
      `select sql from sqlite_master where tbl_name in (${domainTables.map(() => '?').join(', ')}) and sql is not null order by name`,
      domainTables,
    );
    return rows.map((r) => r.sql);
  }
  const out: string[] = [];
  for (const table of domainTables) {
    const [row] = await conn.execute<Record<string, string>[]>(`show create table \`${table}\``);
    out.push(row!['Create Table']!);
  }
  return out;
}

describe.each(DIALECTS)('domain schema on %s', (dialect) => {
  let orm: Orm;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ orm, close } = await createMigratedOrm(dialect, { migrations: 'run' }));
  });
  afterAll(async () => close?.());

  it('creates every domain table from the migrations', async () => {
    const conn = orm.em.getConnection();
    const rows =
      dialect === 'sqlite'
        ? await conn.execute<{ name: string }[]>(`select name from sqlite_master where type = 'table'`)
        : await conn.execute<{ name: string }[]>(`select table_name as name from information_schema.tables where table_schema = database()`);
    const existing = new Set(rows.map((r) => r.name));
    expect(domainTables.filter((t) => !existing.has(t))).toEqual([]);
  });

  it('agrees with the entities: no pending schema change for the domain tables', async () => {
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    const statements = domainStatements(diff);
    if (dialect === 'sqlite') {
      expect(statements).toEqual([]);
      return;
    }
    // MikroORM's MySQL driver misreads MariaDB's information_schema: NULL and quoted defaults come back
    // as text, and the column-level json_valid() check MariaDB adds to every JSON column looks foreign.
    // So it proposes statements that restate what is there. Prove they are exactly that: nothing else is
    // proposed, each dropped "constraint" is such a JSON check, and the modifies change nothing.
    const drops = statements.filter((s) => /^alter table `\w+` drop constraint `\w+`$/.test(s));
    const modifies = statements.filter((s) => /^alter table `\w+` modify `\w+` /.test(s));
    expect(statements.filter((s) => !drops.includes(s) && !modifies.includes(s))).toEqual([]);
    const conn = orm.em.getConnection();
    for (const drop of drops) {
      const [, table, column] = /^alter table `(\w+)` drop constraint `(\w+)`$/.exec(drop)!;
      const checks = await conn.execute<{ level: string; clause: string }[]>(
        `select level, check_clause as clause from information_schema.check_constraints
          where constraint_schema = database() and table_name = ? and constraint_name = ?`,
        [table, column],
      );
      expect(checks).toEqual([{ level: 'Column', clause: `json_valid(\`${column}\`)` }]);
    }
    const before = await dumpDomainSchema(orm, dialect);
    await orm.schema.execute(modifies.map((s) => `${s};`).join('\n'));
    expect(await dumpDomainSchema(orm, dialect)).toEqual(before);
  });

  it('round-trips a customer with a contact, bigint fen, and finds the contact by last 8 digits', async () => {
    const revenueFen = 2 ** 31 * 3 + 7; // ¥6442.45万: past INT, well inside Number.MAX_SAFE_INTEGER
    const em = orm.em.fork();
    const owner = em.create(StaffSchema, { name: '销售经理A', role: 'sales' });
    await em.flush();
    const customer = em.create(CustomerSchema, {
      id: 'CUST_001',
      companyName: '宁波奥克斯空调有限公司',
      name: '张经理',
      phone: e164('0574-8765 4321'),
      phoneLast8: last8('0574-8765 4321'),
      level: 'vip',
      segment: 'VIP',
      ownerStaff: owner.id,
      annualRevenueFen: revenueFen,
      orderCount: 12,
      birthday: '1980-06-15',
      tags: ['大客户', '长期合作'],
    });
    em.create(CustomerContactSchema, {
      customer,
      name: '张经理',
      department: '采购部',
      position: '经理',
      mobile: e164('138-0013-8000'),
      mobileLast8: last8('138-0013-8000'),
      isPrimary: true,
    });
    em.create(CustomerCommunicationSchema, {
      recordId: 'COMM-20260615-abcdef12',
      customer,
      communicationType: 'phone',
      direction: 'inbound',
      communicationTime: new Date('2026-06-15T02:00:00Z'),
      priceDiscussedFen: Number.MAX_SAFE_INTEGER,
    });
    for (let i = 0; i < 40; i++) {
      const mobile = `+86139${String(i).padStart(8, '0')}`;
      em.create(CustomerContactSchema, { customer, name: `联系人${i}`, mobile, mobileLast8: mobile.slice(-8) });
    }
    await em.flush();

    const read = orm.em.fork();
    const found = await read.findOneOrFail(
      CustomerContactSchema,
      { mobileLast8: last8('+86 138 0013 8000') },
      { populate: ['customer'] },
    );
    expect(found.mobile).toBe('+8613800138000');
    expect(found.department).toBe('采购部');
    const c = found.customer.getEntity();
    expect(c.annualRevenueFen).toBe(revenueFen);
    expect(typeof c.annualRevenueFen).toBe('number');
    expect(c.ownerStaff).toBe(owner.id);
    expect(c.birthday).toBe('1980-06-15');
    expect(c.tags).toEqual(['大客户', '长期合作']);
    expect(c.phone).toBe('+8657487654321');
    const comm = await read.findOneOrFail(CustomerCommunicationSchema, { recordId: 'COMM-20260615-abcdef12' });
    expect(comm.priceDiscussedFen).toBe(Number.MAX_SAFE_INTEGER);
    expect(comm.communicationTime.toISOString()).toBe('2026-06-15T02:00:00.000Z');
  });

  it('looks the last 8 digits up through the index, not a scan', async () => {
    const em = orm.em.fork();
    const sql = em
      .createQueryBuilder(CustomerContactSchema)
      .select('*')
      .where({ mobileLast8: last8('13800138000') })
      .getFormattedQuery();
    const conn = em.getConnection();
    if (dialect === 'sqlite') {
      const plan = await conn.execute<{ detail: string }[]>(`explain query plan ${sql}`);
      expect(plan.map((p) => p.detail).join('\n')).toContain('USING INDEX customer_contacts_mobile_last8_index');
      return;
    }
    const plan = await conn.execute<{ key: string | null; type: string }[]>(`explain ${sql}`);
    expect(plan[0]!.key).toBe('customer_contacts_mobile_last8_index');
    expect(plan[0]!.type).not.toBe('ALL');
  });

  it('keeps one row per (batch, phone) in SMS batch recipients', async () => {
    const em = orm.em.fork();
    const batch = em.create(SmsBatchSchema, { category: 'marketing', message: '本周末特惠活动' });
    const phone = e164('13900139000');
    em.create(SmsBatchRecipientSchema, { batch, phone, phoneLast8: phone.slice(-8) });
    await em.flush();
    const again = orm.em.fork();
    again.create(SmsBatchRecipientSchema, { batch: batch.id, phone, phoneLast8: phone.slice(-8) });
    await expect(again.flush()).rejects.toBeInstanceOf(UniqueConstraintViolationException);
  });
});
