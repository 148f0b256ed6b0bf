/** Value lists several modules share; each table stores them as an enum column. */

/** Ways we reach a customer (invitations, contact history, consents, campaigns). */
export const CONTACT_CHANNELS = ['sms', 'call', 'wechat', 'email'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** RFM segments of customer intelligence (seed 001); campaigns target one of them. */
export const CUSTOMER_SEGMENTS = ['VIP', 'loyal', 'potential', 'regular', 'churn_risk', 'new'] as const;
export type CustomerSegment = (typeof CUSTOMER_SEGMENTS)[number];

/** Where a recorded call is in the transcription/analysis pipeline (seed 004 spelling). */
export const ANALYSIS_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED'] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/** SMS categories: marketing messages need consent, quiet hours and frequency caps; the others less. */
export const SMS_CATEGORIES = ['marketing', 'notification', 'verification', 'reminder'] as const;
export type SmsCategory = (typeof SMS_CATEGORIES)[number];

