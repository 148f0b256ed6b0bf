import type { FollowUpReason } from './follow-up-schedule.policy.js';

export const MAX_SCRIPT_CHARS = 100;

type Tier = 'vip' | 'loyal' | 'other';

/**
 * Deterministic follow-up scripts (seed §8.2: short, personal, a clear purpose, something of value),
 * by reason and tier; `{称呼}` is replaced by how we address the customer. Each stays within 100
 * characters for a customer name of up to 10 characters.
 */
const SCRIPTS: Record<FollowUpReason, Record<Tier, string>> = {
  post_visit: {
    vip: '{称呼}，感谢您再次光临！这次的包厢和服务还满意吗？有任何建议请直接告诉我，下次到店为您优先预留VIP包厢。',
    loyal: '{称呼}，感谢您又一次光临！这次的音响、包厢和服务还满意吗？有建议请随时告诉我，期待您常来。',
    other: '{称呼}，感谢您光临本店！请问这次的音响、包厢和服务还满意吗？欢迎留下宝贵意见，期待您再次到店。',
  },
  dormant: {
    vip: '{称呼}，好久不见，甚是想念！您的VIP专属优惠仍然有效，想约朋友欢唱时告诉我，随时为您安排好包厢。',
    loyal: '{称呼}，好久没见到您了！老朋友回店欢唱享9折，欢迎约上朋友来玩，需要订房随时联系我。',
    other: '{称呼}，好久不见！本店曲库已更新，还有欢唱特惠套餐，欢迎有空来唱歌，订房请直接回复或来电。',
  },
  birthday: {
    vip: '{称呼}，提前祝您生日快乐！我们为您准备了VIP生日专属包厢布置和一份惊喜礼物，欢迎约上亲友来庆祝。',
    loyal: '{称呼}，提前祝您生日快乐！生日当周到店欢唱享9折并赠生日果盘，欢迎约上好友一起庆祝。',
    other: '{称呼}，提前祝您生日快乐！生日当周到店欢唱可享生日专属优惠，欢迎约上好友一起来庆祝。',
  },
  complaint: {
    vip: '{称呼}，我是您的专属客户经理。您反馈的问题我们非常重视，已在处理，想当面听听您的意见并向您致歉。',
    loyal: '{称呼}，我是本店客户经理。您反馈的问题我们非常重视，已安排处理，想再听听您的意见并向您致歉。',
    other: '{称呼}，我是本店客户经理。您反馈的问题我们非常重视，已安排处理，想再听听您的意见并向您致歉。',
  },
  event_invitation: {
    vip: '{称呼}，诚邀您参加本店近期主题活动，VIP贵宾享8折优惠并赠精美礼品，期待您的光临！',
    loyal: '{称呼}，诚邀您参加本店近期主题活动，老朋友到店享9折优惠，期待与您相聚！',
    other: '{称呼}，诚邀您参加本店近期主题活动，活动期间到店有特别优惠，期待您的光临！',
  },
};

export type ScriptAudience = { name: string; isVip: boolean; segment: string | null };

/** How we address the customer: 尊敬的张伟 for VIPs, 张伟您好 for others. */
export function addressOf(a: ScriptAudience): string {
  return a.isVip ? `尊敬的${a.name}` : `${a.name}您好`;
}

/** The template script for the reason and tier; a very long name is dropped rather than cut. */
export function templateScript(reason: FollowUpReason, audience: ScriptAudience): string {
  const tier: Tier = audience.isVip ? 'vip' : audience.segment === 'loyal' ? 'loyal' : 'other';
  const template = SCRIPTS[reason][tier];
  const named = template.replace('{称呼}', addressOf(audience));
  if (scriptLength(named) <= MAX_SCRIPT_CHARS) return named;
  return template.replace('{称呼}', audience.isVip ? '尊敬的贵宾' : '您好');
}

/** Characters as a reader counts them (code points, punctuation included). */
export function scriptLength(text: string): number {
  return [...text].length;
}
