import { createHash } from 'node:crypto';
import { consentStates } from '../compliance/consent-ledger.service.js';
import type { ConsentState } from '../compliance/consent.entity.js';
import { insertConsentsOnce, type ConsentRow } from '../compliance/consent.query.js';
import { customerIdsForPhones } from '../customers/phone-resolution.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import type { NormalizedPhone } from '../shared/phone.js';
import { CONTACT_CHANNELS, type ContactChannel } from '../shared/vocabulary.js';
import { dateTime, limitedText, oneOf, phone, text } from './cell-values.js';
import type { Importer, RowIssue } from './importer.js';

const channelOf = oneOf({ sms: ['短信'], call: ['电话', '外呼', '语音'], wechat: ['微信', '企业微信'], email: ['邮件', '电子邮件', '邮箱'], all: ['全部', '所有', '全渠道'] });
const stateOf = oneOf<ConsentState>({
  granted: ['同意', '授权', '已授权', '是', 'grant', 'yes', 'y', 'opt-in', 'optin'],
  revoked: ['撤回', '撤销', '取消授权', 'revoke', 'withdrawn'],
  opted_out: ['退订', '拒收', '否', 'opt-out', 'optout', 'no', 'n'],
  blacklisted: ['黑名单', '拉黑', '禁止联系', 'blacklist', 'dnc'],
});

/**
 * Consent records into the one ledger of src/domain/compliance (the rows the compliance check reads).
 * A row is one number, one channel (or 全部: every channel), one state, with its source (default
 * `import`), evidence (default: this file and line) and time. Each ledger row carries a de-duplication
 * key over number, channel, state, time and source, so importing the same records again adds nothing.
 * A grant for a number blacklisted on that channel is refused, as by the API. A row without a 客户编号 is
 * linked to the customer its number belongs to (the customers module's rule, one lookup for the batch).
 */
export const consentsImporter = (timeZone: string): Importer => ({
  kind: 'consents',
  columns: [
    { field: 'phone', label: '号码', headers: ['手机号', '手机', '号码', '电话', '手机号码', 'phone', 'mobile', 'number'], required: true, phone: true, parse: phone('any') },
    { field: 'channel', label: '渠道', headers: ['渠道', '授权渠道', 'channel'], required: true, parse: channelOf },
    { field: 'state', label: '状态', headers: ['状态', '授权状态', '授权', '结果', 'state', 'status', 'consent'], required: true, parse: stateOf },
    { field: 'source', label: '来源', headers: ['来源', '授权来源', 'source'], parse: (c) => (/^[a-z][a-z0-9_]{1,31}$/.test(text(c)) ? text(c) : { error: '来源为 2-32 位小写字母、数字或下划线，例如 signed_form' }) },
    { field: 'evidence', label: '凭证', headers: ['凭证', '证据', '凭证编号', '表单编号', 'evidence', 'reference'], parse: limitedText(400) },
    { field: 'at', label: '授权时间', headers: ['授权时间', '时间', '日期', '签署日期', 'at', 'date', 'recordedat', 'time'], parse: dateTime(timeZone) },
    { field: 'customerId', label: '客户编号', headers: ['客户编号', '客户id', 'customerid'], parse: limitedText(64) },
  ],
  async apply(em, rows, ctx) {
    const rejected: RowIssue[] = [];
    const phones = [...new Set(rows.map((r) => (r.values.phone as NormalizedPhone).e164))];
    const blacklisted = new Map<ContactChannel, Set<string>>();
    for (const channel of CONTACT_CHANNELS) {
      const states = await consentStates(em, phones, channel);
      blacklisted.set(channel, new Set([...states].filter(([, s]) => s === 'blacklisted').map(([p]) => p)));
    }
    const named = [...new Set(rows.flatMap((r) => (r.values.customerId ? [r.values.customerId as string] : [])))];
    const known = new Set(named.length ? (await em.find(CustomerSchema, { id: { $in: named } }, { fields: ['id'], disableIdentityMap: true })).map((c) => c.id) : []);
    const unnamed = rows.flatMap((r) => (r.values.customerId ? [] : [r.values.phone as NormalizedPhone]));
    const owners = unnamed.length ? await customerIdsForPhones(em, unnamed) : new Map<string, string>();
    const ledger: Array<ConsentRow & { line: number }> = [];
    for (const row of rows) {
      const v = row.values;
      const p = v.phone as NormalizedPhone;
      const channels: ContactChannel[] = v.channel === 'all' ? [...CONTACT_CHANNELS] : [v.channel];
      if (v.customerId && !known.has(v.customerId)) {
        rejected.push({ line: row.line, field: 'customerId', value: v.customerId, reason: '客户编号不存在' });
        continue;
      }
      if (v.state === 'granted' && channels.some((c) => blacklisted.get(c)!.has(p.e164))) {
        rejected.push({ line: row.line, field: 'state', value: text(row.raw.state ?? null), reason: '该号码在此渠道已列入黑名单，不能导入授权' });
        continue;
      }
      const source = (v.source as string | undefined) ?? 'import';
      const at = (v.at as Date | undefined) ?? null;
      const customer = (v.customerId as string | undefined) ?? owners.get(p.e164) ?? null;
      for (const channel of channels) {
        ledger.push({
          line: row.line,
          customer,
          phone: p.e164,
          phoneLast8: p.last8,
          channel,
          state: v.state,
          source,
          reason: null,
          evidence: ((v.evidence as string | undefined) ?? `导入 #${ctx.importId} ${ctx.fileName} 第 ${row.line} 行`).slice(0, 500),
          textVersion: null,
          recordedBy: null,
          recordedAt: at ?? ctx.now,
          dedupKey: createHash('sha256').update(['import', p.e164, channel, v.state, at?.toISOString() ?? '', source].join('|')).digest('hex'),
        });
        if (v.state === 'blacklisted') blacklisted.get(channel)!.add(p.e164);
      }
    }
    const added = await insertConsentsOnce(em, ledger.map(({ line: _, ...entry }) => entry));
    const lines = new Set(ledger.map((e) => e.line));
    // A key added once counts for the first row that carried it; a later row repeating it is unchanged.
    const firstOf = new Map<string, number>();
    for (const e of ledger) if (!firstOf.has(e.dedupKey)) firstOf.set(e.dedupKey, e.line);
    const created = new Set(ledger.filter((e) => added.has(e.dedupKey) && firstOf.get(e.dedupKey) === e.line).map((e) => e.line)).size;
    const unchanged = lines.size - created;
    return { created, updated: 0, unchanged, rejected };
  },
});
