import { MemberSchema } from '../members/member.entity.js';
import { MemberVisitSchema } from '../members/member-visit.entity.js';
import type { NormalizedPhone } from '../shared/phone.js';
import { dateTime, list, yuanToFen } from './cell-values.js';
import { changes, definedOnly, lastByKey, type Importer, type RowIssue } from './importer.js';
import { memberIdColumn, memberPhoneColumn } from './members.importer.js';

/**
 * Member visits with what was spent, upserted by member and visit time (a visit is one member at one
 * instant): the member by 会员编号, or by a member's own number.
 */
export const visitsImporter = (timeZone: string): Importer => ({
  kind: 'visits',
  columns: [
    memberIdColumn,
    memberPhoneColumn,
    { field: 'visitedAt', label: '到店时间', headers: ['到店时间', '到访时间', '消费时间', '到店日期', '日期', '时间', 'visitedat', 'visittime', 'date'], required: true, parse: dateTime(timeZone) },
    { field: 'spendingFen', label: '消费金额', headers: ['消费金额', '金额', '消费', '消费额（元）', 'spending', 'amount'], parse: yuanToFen },
    { field: 'categories', label: '品类', headers: ['品类', '消费品类', '类别', 'categories', 'category'], parse: list },
  ],
  check: (row) => (row.values.memberId || row.values.phone ? [] : [{ line: row.line, field: 'memberId', value: null, reason: '缺少会员编号，也没有手机号：无法确定是哪位会员' }]),
  async apply(em, rows) {
    const rejected: RowIssue[] = [];
    const ids = [...new Set(rows.flatMap((r) => (r.values.memberId ? [r.values.memberId as string] : [])))];
    const phones = [...new Set(rows.flatMap((r) => (!r.values.memberId && r.values.phone ? [(r.values.phone as NormalizedPhone).e164] : [])))];
    const members = await em.find(MemberSchema, { $or: [{ id: { $in: ids.length ? ids : ['\u0000'] } }, { phone: { $in: phones.length ? phones : ['\u0000'] } }] }, { fields: ['id', 'phone'], orderBy: { id: 'asc' }, disableIdentityMap: true });
    const knownIds = new Set(members.map((m) => m.id));
    const byPhone = new Map([...members].reverse().flatMap((m) => (m.phone ? [[m.phone, m.id] as const] : [])));
    const keyed: Array<(typeof rows)[number] & { member: string }> = [];
    for (const row of rows) {
      const member = row.values.memberId ? (knownIds.has(row.values.memberId) ? (row.values.memberId as string) : undefined) : byPhone.get((row.values.phone as NormalizedPhone).e164);
      if (!member) {
        rejected.push({ line: row.line, field: row.values.memberId ? 'memberId' : 'phone', value: row.values.memberId ?? null, reason: '找不到该会员（先导入会员）' });
        continue;
      }
      keyed.push({ ...row, member });
    }
    const key = (member: string, at: Date) => `${member}|${at.getTime()}`;
    const { kept, repeated } = lastByKey(keyed, (r) => key(r.member, r.values.visitedAt as Date));
    const times = [...kept.values()].map((r) => r.values.visitedAt as Date);
    const existing = new Map(
      kept.size
        ? (await em.find(MemberVisitSchema, { member: { $in: [...new Set([...kept.values()].map((r) => r.member))] }, visitedAt: { $in: times } }, { disableIdentityMap: true })).map((v) => [key(v.member.id, v.visitedAt), v])
        : [],
    );
    const inserts: Array<Record<string, unknown>> = [];
    let updated = 0;
    let unchanged = repeated;
    for (const [k, row] of kept) {
      const fields = definedOnly({ spendingFen: row.values.spendingFen, categories: row.values.categories });
      const current = existing.get(k);
      if (!current) {
        inserts.push({ spendingFen: 0, categories: [], ...fields, member: row.member, visitedAt: row.values.visitedAt, createdAt: new Date() });
        continue;
      }
      const diff = changes(current as unknown as Record<string, unknown>, fields);
      if (Object.keys(diff).length) {
        await em.nativeUpdate(MemberVisitSchema, { id: current.id }, diff as never);
        updated += 1;
      } else unchanged += 1;
    }
    if (inserts.length) await em.insertMany(MemberVisitSchema, inserts as never[]);
    return { created: inserts.length, updated, unchanged, rejected };
  },
});
