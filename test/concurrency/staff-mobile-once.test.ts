import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';

/**
 * "A mobile belongs to one active staff member" holds in the database (a unique key on the generated
 * staff.active_mobile), so requests at once on MariaDB's parallel connections cannot both win: the
 * read-then-write check alone let every one of them through.
 */
const N = 10;

describe('a mobile belongs to one active staff member (MariaDB, concurrent writers)', () => {
  let t: TestApp;
  let admin: { id: number; token: string };
  const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []) => t.app.orm.em.fork().getConnection().execute<T[]>(query, params);
  const holders = (e164: string) => sql<{ id: number }>('select id from staff where active = 1 and mobile = ?', [e164]);

  beforeAll(async () => {
    t = await bootApp('mysql', { JOBS_ENABLED: 'false' });
    admin = await t.staffWithToken('admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`${N} creates with one mobile at once: one 201, the others 409 STAFF_MOBILE_TAKEN in Chinese naming the winner`, async () => {
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) => t.call('POST', '/api/staff', { token: admin.token, json: { name: `新人${i}`, role: 'sales', mobile: '139 6000 0001' } })),
    );
    const won = answers.filter((a) => a.status === 201);
    const lost = answers.filter((a) => a.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(N - 1);
    const winner = won[0]!.body.data as { id: number; name: string };
    for (const l of lost) {
      expect(l.body).toMatchObject({ error: 'STAFF_MOBILE_TAKEN', details: { staffId: winner.id, name: winner.name } });
      expect(l.body.message).toBe(`手机号 139****0001 已属于在职员工 ${winner.name}（#${winner.id}）`);
    }
    expect(await holders('+8613960000001')).toEqual([{ id: winner.id }]);
  });

  it(`${N} staff members given one mobile at once (updates and reactivations): exactly one holds it`, async () => {
    const members: number[] = [];
    for (let i = 0; i < N; i++) members.push((await t.staffWithToken('sales')).id);
    const former = await t.staffWithToken('sales', { mobile: '13960000002' });
    expect((await t.call('POST', `/api/staff/${former.id}/deactivate`, { token: admin.token, json: {} })).status).toBe(200);

    const answers = await Promise.all([
      ...members.map((id) => t.call('PATCH', `/api/staff/${id}`, { token: admin.token, json: { mobile: '13960000002' } })),
      t.call('POST', `/api/staff/${former.id}/activate`, { token: admin.token, json: {} }),
    ]);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.body.error === 'STAFF_MOBILE_TAKEN')).toHaveLength(N);
    expect(await holders('+8613960000002')).toHaveLength(1);
  });
});
