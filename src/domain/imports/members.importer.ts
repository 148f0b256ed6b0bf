import { customerIdsForPhones } from '../customers/phone-resolution.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import { MemberSchema, type Member } from '../members/member.entity.js';
import type { NormalizedPhone } from '../shared/phone.js';
import { dateTime, integer, limitedText, list, oneOf, phone, text } from './cell-values.js';
import { changes, definedOnly, lastByKey, type Importer, type RowIssue } from './importer.js';

const MEMBER_ID = /^[A-Za-z0-9_.-]{1,50}$/;
export const memberIdColumn = { field: 'memberId', label: '会员编号', headers: ['会员编号', '会员号', '会员id', '会员卡号', '卡号', 'memberid', 'member', 'id'], parse: (c: Parameters<typeof text>[0]) => (MEMBER_ID.test(text(c)) ? text(c) : { error: '会员编号只能含字母、数字、_ . -，最长 50 位' }) };
export const memberPhoneColumn = { field: 'phone', label: '手机号', headers: ['手机号', '手机', '手机号码', '电话', '会员手机', 'phone', 'mobile'], phone: true, parse: phone('any') };

/**
 * Loyalty members upserted by their member id; a row without one is matched by its number among the
 * members (a member's own number), and a number nobody has yet gets MEM_<national number>. A new member
 * is linked to a customer: the 客户编号 column, or the customers module's phone → customer rule (one
 * lookup for the batch's numbers, `customerIdsForPhones`).
 */
export const membersImporter = (timeZone: string): Importer => ({
  kind: 'members',
  columns: [
    memberIdColumn,
    { field: 'name', label: '姓名', headers: ['姓名', '会员姓名', '名称', 'name'], parse: limitedText(64) },
    memberPhoneColumn,
    { field: 'tier', label: '会员等级', headers: ['会员等级', '等级', '级别', 'tier', 'level'], parse: limitedText(20) },
    { field: 'points', label: '积分', headers: ['积分', '会员积分', 'points'], parse: integer(0, 2_000_000_000) },
    { field: 'status', label: '状态', headers: ['状态', '会员状态', 'status'], parse: oneOf({ active: ['正常', '有效', '启用'], inactive: ['停用', '失效', '注销'] }) },
    { field: 'joinedAt', label: '入会时间', headers: ['入会时间', '入会日期', '注册时间', '注册日期', '开卡日期', 'joinedat', 'joined', 'joindate'], parse: dateTime(timeZone) },
    { field: 'customerId', label: '客户编号', headers: ['客户编号', '客户id', 'customerid'], parse: limitedText(64) },
    { field: 'tags', label: '标签', headers: ['标签', 'tags'], parse: list },
  ],
  check: (row) => (row.values.memberId || row.values.phone ? [] : [{ line: row.line, field: 'memberId', value: null, reason: '缺少会员编号，也没有手机号：无法确定是哪位会员' }]),
  async apply(em, rows, ctx) {
    const rejected: RowIssue[] = [];
    const phones = rows.flatMap((r) => (!r.values.memberId && r.values.phone ? [(r.values.phone as NormalizedPhone).e164] : []));
    const byPhone = new Map(phones.length ? (await em.find(MemberSchema, { phone: { $in: phones } }, { fields: ['id', 'phone'], orderBy: { id: 'asc' }, disableIdentityMap: true })).reverse().map((m) => [m.phone!, m.id]) : []);
    const keyed = rows.map((r) => {
      const p = r.values.phone as NormalizedPhone | undefined;
      return { ...r, id: (r.values.memberId as string | undefined) ?? byPhone.get(p!.e164) ?? `MEM_${p!.national}` };
    });
    const { kept, repeated } = lastByKey(keyed, (r) => r.id);
    const existing = new Map((await em.find(MemberSchema, { id: { $in: [...kept.keys()] } }, { disableIdentityMap: true })).map((m) => [m.id, m]));
    const named = [...new Set([...kept.values()].flatMap((r) => (r.values.customerId ? [r.values.customerId as string] : [])))];
    const known = new Set(named.length ? (await em.find(CustomerSchema, { id: { $in: named } }, { fields: ['id'], disableIdentityMap: true })).map((c) => c.id) : []);
    const unlinked = [...kept].flatMap(([id, r]) => (!r.values.customerId && !existing.get(id)?.customer && r.values.phone ? [r.values.phone as NormalizedPhone] : []));
    const owners = unlinked.length ? await customerIdsForPhones(em, unlinked) : new Map<string, string>();
    const inserts: Array<Partial<Member>> = [];
    let updated = 0;
    let unchanged = repeated;
    for (const [id, row] of kept) {
      const v = row.values;
      const p = v.phone as NormalizedPhone | undefined;
      if (v.customerId && !known.has(v.customerId)) {
        rejected.push({ line: row.line, field: 'customerId', value: v.customerId, reason: '客户编号不存在' });
        continue;
      }
      const current = existing.get(id);
      let customer = v.customerId as string | undefined;
      if (!customer && !current?.customer && p) customer = owners.get(p.e164);
      const fields = definedOnly({ name: v.name, phone: p?.e164, phoneLast8: p?.last8, tier: v.tier, points: v.points, status: v.status, joinedAt: v.joinedAt, tags: v.tags, customer });
      if (!current) {
        inserts.push({ tier: 'normal', points: 0, status: 'active', tags: [], joinedAt: ctx.now, ...fields, id, createdAt: ctx.now, updatedAt: ctx.now } as Partial<Member>);
        continue;
      }
      const diff = changes({ ...current, customer: current.customer?.id } as unknown as Record<string, unknown>, fields);
      if (Object.keys(diff).length) {
        await em.nativeUpdate(MemberSchema, { id }, { ...diff, updatedAt: ctx.now } as never);
        updated += 1;
      } else unchanged += 1;
    }
    if (inserts.length) await em.insertMany(MemberSchema, inserts as never[]);
    return { created: inserts.length, updated, unchanged, rejected };
  },
});
