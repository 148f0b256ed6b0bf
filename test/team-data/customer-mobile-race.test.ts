import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { waitFor } from '../support/wait-for.js';

const ROWS = 3000;
const EVERY = 50;
const mobile = (i: number) => `137${String(i).padStart(8, '0')}`;

/**
 * An import and API creates giving the same new mobiles to different customers at the same time (MariaDB,
 * real transactions): whatever the interleaving, each mobile ends with one customer — the API answers 201
 * and the import rejects that row naming the customer, or the import takes it and the API answers 409.
 */
describe('a mobile belongs to one customer when an import and the API race for it (mysql)', () => {
  let t: TestApp;
  let manager: { id: number; token: string };

  beforeAll(async () => {
    t = await bootApp('mysql');
    manager = await t.staffWithToken('manager');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('ends with one customer per mobile', async () => {
    const lines = ['客户编号,客户名称,联系人,联系人手机'];
    for (let i = 0; i < ROWS; i++) lines.push(`R${i},导入客户${i},联系人${i},${mobile(i)}`);
    const form = new FormData();
    form.set('kind', 'customers');
    form.set('file', new Blob([Buffer.from(lines.join('\r\n'), 'utf8')]), 'race.csv');
    const posted = await fetch(`${t.app.url}/api/imports`, { method: 'POST', headers: { authorization: `Bearer ${manager.token}` }, body: form });
    expect(posted.status).toBe(202);
    const id = ((await posted.json()) as { data: { id: number } }).data.id;
    const status = async () => (await t.call('GET', `/api/imports/${id}`, { token: manager.token })).body.data;

    // Creates go in three waves while the import runs: as it starts, and as it passes a third and two thirds.
    const contested = Array.from({ length: ROWS / EVERY }, (_, k) => k * EVERY);
    const waves = [0, 1, 2].map((w) => contested.filter((_, k) => k % 3 === w));
    const answers = new Map<number, Promise<number>>();
    const create = (i: number) =>
      answers.set(i, t.call('POST', '/api/customers', { token: manager.token, json: { id: `API${i}`, name: `接口客户${i}`, contacts: [{ name: `接口${i}`, mobile: mobile(i) }] } }).then((r) => r.status));
    for (const [w, wave] of waves.entries()) {
      await waitFor(async () => {
        const job = await status();
        return job.status !== 'queued' && job.processed >= (w * ROWS) / 3 - EVERY;
      }, `import ${id} to pass wave ${w}`, 120_000);
      wave.forEach(create);
    }
    const job = await waitFor(async () => {
      const j = await status();
      return (j.status === 'completed' || j.status === 'failed') && j;
    }, `import ${id} to finish`, 180_000);
    expect(job.status).toBe('completed');
    const statuses = new Map<number, number>();
    for (const [i, p] of answers) statuses.set(i, await p);
    expect([...statuses.values()].every((s) => s === 201 || s === 409)).toBe(true);

    const conn = t.app.orm.em.getConnection();
    const holders = await conn.execute<Array<{ mobile: string; customers: number }>>(
      `select mobile, count(distinct customer_id) as customers from customer_contacts where mobile in (${contested.map(() => '?').join(', ')}) group by mobile`,
      contested.map((i) => `+86${mobile(i)}`),
    );
    expect(holders.map((h) => Number(h.customers))).toEqual(contested.map(() => 1));
    const claims = new Map((await conn.execute<Array<{ mobile: string; customer_id: string }>>('select mobile, customer_id from customer_mobile_claims')).map((c) => [c.mobile, c.customer_id]));
    const errors = (await t.call('GET', `/api/imports/${id}/errors?size=100`, { token: manager.token })).body.data.records as Array<{ line: number; reason: string }>;
    for (const i of contested) {
      const winner = statuses.get(i) === 201 ? `API${i}` : `R${i}`;
      expect(claims.get(`+86${mobile(i)}`)).toBe(winner);
      // The import's line for row i is i + 2 (the header is line 1).
      if (winner.startsWith('API')) expect(errors.find((e) => e.line === i + 2)?.reason).toContain(`API${i}`);
    }
    expect(job.created + job.rejected).toBe(ROWS);
    expect(job.rejected).toBe([...statuses.values()].filter((s) => s === 201).length);
  }, 300_000);
});
