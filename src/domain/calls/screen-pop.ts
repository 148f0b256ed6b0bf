import type { StaffNotification } from '../ports/notifier.port.js';
import { SEGMENT_NAMES } from '../customers/segment-names.js';
import { localParts } from '../shared/business-time.js';
import { maskPhone } from '../shared/phone.js';
import type { CallerMatch } from './caller-identification.service.js';

/** What the caller chose in the IVR before the call reached us (the dialplan sets `ivr_choice`). */
export const IVR_CHOICES: Record<string, string> = {
  '1': '产品咨询',
  '2': '订单/售后',
  '3': '技术支持',
  '4': '投诉建议',
  '0': '人工服务',
};

const LEVEL_LABELS: Record<string, string> = { vip: 'VIP金牌客户', normal: '普通客户', potential: '潜在客户' };
const URGENCY_LABELS = { high: '高', medium: '中', low: '低' } as const;

export type Urgency = 'high' | 'medium' | 'low';

/** VIP → high (seed), a complaint choice → high, a known customer → medium, everyone else → low. */
export function callUrgency(match: CallerMatch, ivrChoice: string | null): { urgency: Urgency; why: string } {
  if (match.customer?.isVip) return { urgency: 'high', why: 'VIP客户' };
  if (ivrChoice === '4') return { urgency: 'high', why: '投诉' };
  if (match.customer && !match.newLead && match.customer.level === 'normal') return { urgency: 'medium', why: '老客户' };
  return { urgency: 'low', why: match.newLead ? '新线索' : '普通来电' };
}

/** ¥580万 for 5,800,000 yuan; amounts are stored in fen. */
export function formatRevenue(fen: number): string {
  const yuan = fen / 100;
  if (yuan >= 10_000) return `¥${Number((yuan / 10_000).toFixed(1))}万`;
  return `¥${Math.round(yuan)}`;
}

export type ScreenPopInput = {
  callUuid: string;
  serviceNumber: string;
  match: CallerMatch;
  ivrChoice: string | null;
  suggestedStaffName: string | null;
  now: Date;
  timeZone: string;
};

/** The seed's 来电弹屏 card in the notifier's words; the number is masked, the rest is the CRM's view. */
export function buildScreenPop(input: ScreenPopInput): Extract<StaffNotification, { kind: 'screen_pop' }> {
  const { match } = input;
  const c = match.customer;
  const number = match.phone ? maskPhone(match.phone.e164) : maskPhone(input.match.raw || '');
  const lines: Array<[string, string]> = [['📞 来电号码', number || '未知号码']];
  if (c) {
    lines.push(['🏢 客户公司', c.companyName ?? c.name]);
    const contact = match.contact;
    if (contact) lines.push(['👤 联系人', contact.department ? `${contact.name} (${contact.department})` : contact.name]);
    if (contact?.position) lines.push(['💼 职位', contact.position]);
    lines.push(['⭐ 客户等级', c.isVip ? LEVEL_LABELS.vip! : (LEVEL_LABELS[c.level] ?? c.level)]);
    if (c.segment) lines.push(['🏷️ 客户分层', SEGMENT_NAMES[c.segment]]);
    if (c.tier) lines.push(['🎖️ 会员等级', c.tier]);
    lines.push(['📊 年交易额', formatRevenue(c.annualRevenueFen)]);
    lines.push(['📋 历史订单', `${c.orderCount}笔`]);
    lines.push(['🕐 上次联系', c.lastContactAt ? lastContactText(c.lastContactAt, input.now, input.timeZone) : '无记录']);
    if (c.notes) lines.push(['📝 备注', c.notes.slice(0, 100)]);
    if (match.kind === 'last8') lines.push(['🔎 匹配方式', `号码后8位匹配 (置信度 ${match.confidence.toFixed(2)}${match.candidates > 1 ? `, ${match.candidates}个候选` : ''})`]);
  }
  if (match.newLead || !c) lines.push(['🆕 客户状态', '未匹配到客户，已标记为新线索']);
  const choice = input.ivrChoice;
  lines.push(['🎯 本次来电意图', choice ? `${IVR_CHOICES[choice] ?? '其他'} (按${choice})` : '未选择']);
  lines.push(['📌 建议处理', input.suggestedStaffName ? `优先转接${input.suggestedStaffName}` : '转语音留言']);
  const { urgency, why } = callUrgency(match, choice);
  lines.push(['⚡ 紧急度', `${URGENCY_LABELS[urgency]} (${why})`]);
  return {
    kind: 'screen_pop',
    callId: input.callUuid,
    title: `☎️ 来电弹屏 - ${input.serviceNumber}`,
    lines,
    urgency,
    // Card keys are `<action>:<subject>:<id>`; the chat door runs them like the matching commands.
    buttons: [
      { key: `callback:call:${input.callUuid}`, text: '回拨' },
      { key: `handled:call:${input.callUuid}`, text: '已处理' },
    ],
  };
}

function lastContactText(at: Date, now: Date, timeZone: string): string {
  const day = localParts(at, timeZone).date;
  const today = localParts(now, timeZone).date;
  const days = Math.round((Date.parse(today) - Date.parse(day)) / 86_400_000);
  return `${day} (${days <= 0 ? '今天' : `${days}天前`})`;
}
