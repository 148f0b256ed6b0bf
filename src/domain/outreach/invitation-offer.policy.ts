import { localParts } from '../shared/business-time.js';
import type { ContactChannel, CustomerSegment } from '../shared/vocabulary.js';

export type InvitationOffer = { content: string; incentive: string; channel: ContactChannel; tier: 'vip' | 'loyal' | 'other' };

/**
 * What an invitation offers and how it travels, by segment (seed 000 §2.2.3 and §8.3): VIP 8折 with a
 * gift by phone, loyal customers 9折 through WeChat (the mini-program), everyone else a special offer by SMS.
 */
export function invitationOffer(input: { segment: CustomerSegment | null; isVip: boolean; name: string; eventName: string; eventDate: Date; timeZone: string }): InvitationOffer {
  const tier = input.isVip ? 'vip' : input.segment === 'loyal' ? 'loyal' : 'other';
  const local = localParts(input.eventDate, input.timeZone);
  const when = `${Number(local.date.slice(5, 7))}月${Number(local.date.slice(8, 10))}日 ${local.hhmm}`;
  const incentive = tier === 'vip' ? '8折优惠 + 精美礼品' : tier === 'loyal' ? '9折优惠' : '活动专享特别优惠';
  const greeting = tier === 'vip' ? `尊敬的VIP会员${input.name}` : `${input.name}您好`;
  return {
    tier,
    incentive,
    channel: tier === 'vip' ? 'call' : tier === 'loyal' ? 'wechat' : 'sms',
    content: `${greeting}，诚邀您参加${when}的「${input.eventName}」，凭此邀约可享${incentive}，期待您的光临！`,
  };
}
