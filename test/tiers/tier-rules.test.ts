import { describe, expect, it } from 'vitest';
import { discountLabel, downgradeAtAnniversary, evaluateUpgrade, isMembershipAnniversary, rewardsFor, type TierRule } from '../../src/domain/tiers/tier-rules.js';

const none = { points: 0, coupons: [], gifts: [], discountPercent: 100 };
const TIERS: TierRule[] = [
  { code: 'gold', name: '金卡会员', rank: 2, minSpendFen: 800_000, minVisits: 15, maxChurnRisk: 0.5, rewards: { points: 1500, coupons: [{ name: '代金券', valueFen: 10_000, count: 2, validDays: 90 }], gifts: ['精酿啤酒礼盒'], discountPercent: 90 } },
  { code: 'basic', name: '普通会员', rank: 0, minSpendFen: 0, minVisits: 0, maxChurnRisk: 1, rewards: none },
  { code: 'silver', name: '银卡会员', rank: 1, minSpendFen: 200_000, minVisits: 6, maxChurnRisk: 0.6, rewards: { points: 500, coupons: [], gifts: [], discountPercent: 95 } },
];
const basic = (spendFen: number, visits: number, churnRisk: number | null = 0.1, active = true) => ({ tier: 'basic', active, spendFen, visits, churnRisk });

describe('tier upgrade rule', () => {
  it('is eligible exactly at the thresholds and not a fen or a visit below', () => {
    expect(evaluateUpgrade(TIERS, basic(200_000, 6))).toMatchObject({ eligible: true, nextTier: { code: 'silver' }, progress: 100, missing: [] });
    expect(evaluateUpgrade(TIERS, basic(199_999, 6))).toMatchObject({ eligible: false, nextTier: { code: 'silver' }, missing: ['还需消费 ¥0.01'] });
    expect(evaluateUpgrade(TIERS, basic(200_000, 5))).toMatchObject({ eligible: false, missing: ['还需到店 1 次'] });
  });

  it('says what is missing in Chinese and averages spend and visits for the progress', () => {
    const e = evaluateUpgrade(TIERS, basic(150_000, 3));
    expect(e).toMatchObject({ currentTier: { code: 'basic', name: '普通会员' }, eligible: false, missing: ['还需消费 ¥500.00', '还需到店 3 次'] });
    expect(e.progress).toBe(Math.floor(((0.75 + 0.5) / 2) * 100)); // 62
    expect(evaluateUpgrade(TIERS, basic(0, 0)).progress).toBe(0);
    // Spend far beyond the bar counts 100 % for spend only.
    expect(evaluateUpgrade(TIERS, basic(10_000_000, 3)).progress).toBe(75);
  });

  it('applies the churn-risk ceiling inclusively; an unrated member has none', () => {
    expect(evaluateUpgrade(TIERS, basic(200_000, 6, 0.6)).eligible).toBe(true);
    const blocked = evaluateUpgrade(TIERS, basic(200_000, 6, 0.61));
    expect(blocked).toMatchObject({ eligible: false, progress: 100 });
    expect(blocked.missing[0]).toContain('流失风险 0.61 高于银卡会员上限 0.60');
    expect(evaluateUpgrade(TIERS, basic(200_000, 6, null)).eligible).toBe(true);
  });

  it('goes to the highest tier met at once, and a higher ceiling failing leaves the lower tier', () => {
    expect(evaluateUpgrade(TIERS, basic(800_000, 15, 0.2))).toMatchObject({ eligible: true, nextTier: { code: 'gold' } });
    // Gold's spend and visits met but its stricter churn ceiling (0.5) not: silver (0.6) still is.
    expect(evaluateUpgrade(TIERS, basic(800_000, 15, 0.55))).toMatchObject({ eligible: true, nextTier: { code: 'silver' } });
  });

  it('never upgrades an inactive member, the top tier, or a tier the table does not know', () => {
    expect(evaluateUpgrade(TIERS, basic(900_000, 20, 0, false))).toMatchObject({ eligible: false, missing: ['会员状态为停用，启用后才能提档'] });
    expect(evaluateUpgrade(TIERS, { ...basic(9_000_000, 99), tier: 'gold' })).toMatchObject({ eligible: false, nextTier: null, progress: 100, missing: [] });
    expect(evaluateUpgrade(TIERS, { ...basic(9_000_000, 99), tier: 'diamond' })).toMatchObject({ eligible: false, nextTier: null, requirement: null });
  });
});

describe('anniversary downgrade', () => {
  const gold = (spendFen: number, visits: number) => ({ tier: 'gold', active: true, spendFen, visits, churnRisk: 0.9 });
  it('keeps a tier whose bar is still met (churn risk does not downgrade)', () => {
    expect(downgradeAtAnniversary(TIERS, gold(800_000, 15))).toBeNull();
  });
  it('drops one tier at most, even with no activity at all', () => {
    expect(downgradeAtAnniversary(TIERS, gold(0, 0))?.code).toBe('silver');
    expect(downgradeAtAnniversary(TIERS, gold(799_999, 15))?.code).toBe('silver');
    expect(downgradeAtAnniversary(TIERS, { ...gold(0, 0), tier: 'silver' })?.code).toBe('basic');
  });
  it('never drops below the lowest tier nor from an unknown one', () => {
    expect(downgradeAtAnniversary(TIERS, { ...gold(0, 0), tier: 'basic' })).toBeNull();
    expect(downgradeAtAnniversary(TIERS, { ...gold(0, 0), tier: 'diamond' })).toBeNull();
  });
  it('knows anniversaries: same month and day a year or more on; 29 February on the 28th in common years', () => {
    expect(isMembershipAnniversary('2024-11-30', '2026-11-30')).toBe(true);
    expect(isMembershipAnniversary('2026-11-30', '2026-11-30')).toBe(false);
    expect(isMembershipAnniversary('2024-11-30', '2026-11-29')).toBe(false);
    expect(isMembershipAnniversary('2024-02-29', '2025-02-28')).toBe(true);
    expect(isMembershipAnniversary('2024-02-29', '2028-02-28')).toBe(false);
    expect(isMembershipAnniversary('2024-02-29', '2028-02-29')).toBe(true);
  });
});

describe('rewards', () => {
  it('lists each reward once with a key derived from the tier change', () => {
    const rewards = rewardsFor(TIERS[0]!, 'upgrade:MEM_1:3');
    expect(rewards.map((r) => r.key)).toEqual(['upgrade:MEM_1:3:points', 'upgrade:MEM_1:3:coupon:0', 'upgrade:MEM_1:3:gift:0', 'upgrade:MEM_1:3:discount']);
    expect(rewards[1]).toMatchObject({ kind: 'coupon', value: 20_000, note: '代金券（¥100.00）×2，90 天内有效' });
    expect(rewardsFor(TIERS[1]!, 'k')).toEqual([]);
  });
  it('writes discounts as shops do', () => {
    expect(discountLabel(90)).toBe('9折');
    expect(discountLabel(95)).toBe('95折');
    expect(discountLabel(85)).toBe('85折');
  });
});
