import { z } from 'zod';
import { defineSection } from './config-section.js';

/** Segment campaigns (seed 001 §2.3, §2.5): their SMS template, offer links, holdout and attribution. */
export const campaignsSection = defineSection({
  shape: {
    /** Marketing SMS template of campaigns: {1} name, {2} offer, {3} the member's offer link. */
    CAMPAIGN_SMS_TEMPLATE: z.string().min(1).max(50).default('TPL_CAMPAIGN'),
    /** Prefix of the signed offer link (the mini-program's offer page reads the token after it). */
    CAMPAIGN_LINK_BASE: z.url().max(100).default('http://localhost:3000/o/'),
    /** What one marketing SMS costs, in fen (cost and ROI). */
    CAMPAIGN_SMS_COST_FEN: z.coerce.number().int().min(0).max(1000).default(5),
    CAMPAIGN_HOLDOUT_PERCENT: z.coerce.number().int().min(0).max(50).default(10),
    CAMPAIGN_ATTRIBUTION_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  },
  build(e) {
    return {
      smsTemplateCode: e.CAMPAIGN_SMS_TEMPLATE,
      linkBase: e.CAMPAIGN_LINK_BASE,
      smsCostFen: e.CAMPAIGN_SMS_COST_FEN,
      holdoutPercent: e.CAMPAIGN_HOLDOUT_PERCENT,
      attributionDays: e.CAMPAIGN_ATTRIBUTION_DAYS,
    };
  },
});
