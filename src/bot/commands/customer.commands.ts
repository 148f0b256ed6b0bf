import { issueCustomerCode } from '../../domain/chat/binding.service.js';
import { lookupCustomers, type CustomerCard } from '../../domain/chat/customer-lookup.js';
import { localParts } from '../../domain/shared/business-time.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { UsageError, type Command } from './command.js';

const LEVELS: Record<string, string> = { vip: 'VIP', normal: '普通', potential: '潜在' };

function describe(c: CustomerCard, timeZone: string): string {
  const last = c.lastContactAt ? localParts(c.lastContactAt, timeZone).date : '无';
  const notes = c.notes ? `\n  备注：${c.notes.slice(0, 60)}` : '';
  return `${c.name}${c.companyName ? `（${c.companyName}）` : ''} ${c.phone ?? '无号码'}\n  编号 ${c.id}，等级 ${LEVELS[c.level] ?? c.level}，最近联系 ${last}${notes}`;
}

export const customerCommand: Command = {
  names: ['客户', 'customer', 'c'],
  usage: '客户 <电话或名称>',
  summary: '按电话或名称查客户（号码已脱敏）',
  async run(args, ctx) {
    ctx.require('customer:view', '查看客户');
    const query = args.join(' ').trim();
    if (!query || query.length > 64) throw new UsageError();
    const found = await lookupCustomers(ctx.em, query, 5);
    if (found.length === 0) return `没有找到“${query}”相关的客户。`;
    return `找到 ${found.length} 位客户：\n${found.map((c) => describe(c, ctx.deps.timeZone)).join('\n')}`;
  },
};

export const customerCodeCommand: Command = {
  names: ['客户码', 'customer-code'],
  usage: '客户码 <客户编号或电话>',
  summary: '为自己的客户生成小程序绑定码',
  async run(args, ctx) {
    const actor = ctx.require('customer:view', '为客户生成绑定码');
    const query = args.join(' ').trim();
    if (!query || query.length > 64) throw new UsageError();
    const found = await lookupCustomers(ctx.em, query, 2);
    const exact = found.find((c) => c.id === query) ?? (found.length === 1 ? found[0] : undefined);
    if (!exact) throw new DomainError('CUSTOMER_NOT_FOUND', found.length ? `“${query}”对应多位客户，请用客户编号` : `没有找到客户“${query}”`);
    const { code, expiresAt } = await issueCustomerCode(ctx.em, actor, { customerId: exact.id, now: ctx.now });
    return `客户 ${exact.name} 的小程序绑定码：${code}\n${localParts(expiresAt, ctx.deps.timeZone).hhmm} 前有效，只能使用一次。`;
  },
};
