import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { offerProblem } from '../../src/domain/campaigns/campaign-content.js';
import { pickHoldout } from '../../src/domain/campaigns/campaign-launch.service.js';
import { campaignPlan, DEFAULT_TYPE, estimateCostFen, holdoutSize, percent, roiPercent } from '../../src/domain/campaigns/campaign-plan.policy.js';
import { offerToken, verifyOfferToken } from '../../src/domain/campaigns/offer-link.js';

describe('campaign rules', () => {
  it('gives each segment the seed campaign', () => {
    expect(DEFAULT_TYPE).toEqual({ VIP: 'points', loyal: 'points', potential: 'gift', regular: 'discount', churn_risk: 'retention', new: 'coupon' });
    expect(campaignPlan('potential', 'upgrade')).toMatchObject({ type: 'upgrade', name: '潜力客户·升级计划' });
  });
  it('holds out round(n × p %), never everyone, nobody from a single member', () => {
    expect(holdoutSize(20, 10)).toBe(2);
    expect(holdoutSize(25, 10)).toBe(3);
    expect(holdoutSize(4, 10)).toBe(0);
    expect(holdoutSize(1, 50)).toBe(0);
    expect(holdoutSize(2, 50)).toBe(1);
    expect(holdoutSize(100, 0)).toBe(0);
    const picked = pickHoldout(100, 10);
    expect(picked.size).toBe(10);
    expect([...picked].every((i) => i >= 0 && i < 100)).toBe(true);
  });
  it('computes ROI, rates and the cost estimate', () => {
    expect(roiPercent(80_000, 12_090)).toBe(561.7);
    expect(roiPercent(100, 0)).toBeNull();
    expect(roiPercent(0, 100)).toBe(-100);
    expect(percent(5, 18)).toBe(27.78);
    expect(percent(1, 0)).toBe(0);
    expect(estimateCostFen({ treated: 18, smsCostFen: 5, incentiveFen: 3000, type: 'discount' })).toBe(90 + 8100);
  });
  it('keeps the model offer within the SMS rules', () => {
    expect(offerProblem('本周到店全场8.8折')).toBeNull();
    expect(offerProblem('x'.repeat(31))).toBe('TOO_LONG');
    expect(offerProblem('详见 https://evil.example')).toBe('FORBIDDEN_CONTENT');
    expect(offerProblem('致电13800138000')).toBe('FORBIDDEN_CONTENT');
    expect(offerProblem('  ')).toBe('EMPTY');
  });
  it('signs offer links: any change to the id or the signature is refused', () => {
    const token = offerToken('secret', 12345);
    expect(verifyOfferToken('secret', token)).toBe(12345);
    expect(verifyOfferToken('other', token)).toBeNull();
    expect(verifyOfferToken('secret', token.replace(/^[^.]+/, (12346).toString(36)))).toBeNull();
    expect(verifyOfferToken('secret', `${token}x`)).toBeNull();
    expect(verifyOfferToken('secret', '0.AAAAAAAAAAAA')).toBeNull();
  });
  it('reads segments through the customers module, never the members table itself (one home for who a customer is)', () => {
    const dir = 'src/domain/campaigns';
    for (const file of readdirSync(dir)) {
      const source = readFileSync(`${dir}/${file}`, 'utf8');
      // campaign_tracking and campaign_deliveries refer to the member they track; nothing else in campaigns reads members.
      if (!['campaign-tracking.entity.ts', 'campaign-delivery.entity.ts'].includes(file)) expect([file, source.includes('members/member.entity')]).toEqual([file, false]);
      expect([file, /members\.segment|\bm\.segment\b/.test(source)]).toEqual([file, false]);
    }
  });
});
