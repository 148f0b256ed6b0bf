import type { FieldIssue } from '../shared/validation.js';
import { DomainError } from '../shared/domain-error.js';
import type { CampaignChannel, CampaignType } from './campaign.entity.js';

/** Campaign types whose offer is an invitation to come in (the seed's gift for potential customers): the ones the invitation channel serves. */
export const INVITATION_TYPES: readonly CampaignType[] = ['gift'];

/**
 * The channel mix a campaign may have: `invitation` needs a gift campaign and an upcoming event (after
 * the start), and an event only goes with the invitation channel. Every problem at once:
 * CAMPAIGN_CHANNELS_INVALID (422) with one field issue each.
 */
export function checkChannels(input: { channels: CampaignChannel[]; type: CampaignType; eventId?: string; event: { eventDate: Date } | null; startAt: Date }): void {
  const fields: FieldIssue[] = [];
  const inviting = input.channels.includes('invitation');
  if (inviting && !INVITATION_TYPES.includes(input.type)) fields.push({ field: 'channel', message: `邀约渠道只用于到店赠礼类活动（type=${INVITATION_TYPES.join('/')}），本活动类型为 ${input.type}` });
  if (inviting && !input.eventId) fields.push({ field: 'eventId', message: '邀约渠道需要 eventId（邀请参加的活动）' });
  if (!inviting && input.eventId) fields.push({ field: 'eventId', message: 'eventId 只用于邀约渠道（channel 含 invitation）' });
  if (input.eventId && !input.event) fields.push({ field: 'eventId', message: `活动 ${input.eventId} 不存在` });
  if (input.event && input.event.eventDate <= input.startAt) fields.push({ field: 'eventId', message: '活动在营销活动开始前已开始或结束，不能再邀约' });
  if (fields.length) throw new DomainError('CAMPAIGN_CHANNELS_INVALID', `营销活动的渠道设置不正确：${fields.map((f) => f.message).join('；')}`, { fields });
}

export type ChannelShare = { channel: CampaignChannel; members: number; share: number };

/**
 * The expected reach per channel of the treated group: everyone reachable gets the SMS; invitations go to
 * members that are CRM customers, WeCom notes cover members whose customer has an owner (their share of
 * the reachable members, applied to the treated group). Compliance decides at send time who is skipped.
 */
export function channelMix(channels: CampaignChannel[], counts: { reachable: number; customers: number; owned: number }, treated: number): ChannelShare[] {
  const scaled = (n: number) => (counts.reachable > 0 ? Math.round((n * treated) / counts.reachable) : 0);
  const members: Record<CampaignChannel, number> = { sms: treated, invitation: scaled(counts.customers), wecom: scaled(counts.owned) };
  return channels.map((channel) => ({ channel, members: members[channel], share: treated > 0 ? Math.round((members[channel] / treated) * 10_000) / 100 : 0 }));
}
