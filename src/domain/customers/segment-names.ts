import type { CustomerSegment } from '../shared/vocabulary.js';

/** The seed's Chinese names of the six RFM segments (seed 001 §2.1), as staff read them. */
export const SEGMENT_NAMES: Record<CustomerSegment, string> = {
  VIP: 'VIP客户',
  loyal: '忠诚客户',
  potential: '潜力客户',
  regular: '普通客户',
  churn_risk: '流失风险客户',
  new: '新客户',
};
