import { StaffSchema } from '../domain/staff/staff.entity.js';
import { RolePermissionSchema } from '../domain/auth/role-permission.entity.js';
import { AuditLogSchema } from '../domain/audit/audit-log.entity.js';
import { AgendaJobSchema } from '../jobs/sql-backend/agenda-job.entity.js';
import { CustomerSchema } from '../domain/customers/customer.entity.js';
import { CustomerContactSchema } from '../domain/customers/customer-contact.entity.js';
import { MobileClaimSchema } from '../domain/customers/mobile-claim.entity.js';
import { CustomerCommunicationSchema } from '../domain/customers/customer-communication.entity.js';
import { MemberSchema } from '../domain/members/member.entity.js';
import { MemberBehaviorSchema } from '../domain/members/member-behavior.entity.js';
import { MemberVisitSchema } from '../domain/members/member-visit.entity.js';
import { MemberVisitCategorySchema, VisitCategorySchema } from '../domain/members/member-visit-category.entity.js';
import { MemberTagSchema } from '../domain/members/member-tag.entity.js';
import { BehaviorRunSchema } from '../domain/members/behavior-run.entity.js';
import { SegmentRuleSchema } from '../domain/customers/segment-rule.entity.js';
import { RfmThresholdSchema, SegmentStatSchema } from '../domain/customers/segment-stats.entity.js';
import { UpgradeHistorySchema } from '../domain/members/upgrade-history.entity.js';
import { MemberTierSchema } from '../domain/tiers/member-tier.entity.js';
import { CampaignSchema } from '../domain/campaigns/campaign.entity.js';
import { CampaignTrackingSchema } from '../domain/campaigns/campaign-tracking.entity.js';
import { CampaignDeliverySchema } from '../domain/campaigns/campaign-delivery.entity.js';
import { EventSchema } from '../domain/events/event.entity.js';
import { SmsLogSchema } from '../domain/outreach/sms-log.entity.js';

import { CustomerFeedbackSchema } from '../domain/outreach/customer-feedback.entity.js';
import { InvitationSchema } from '../domain/outreach/invitation.entity.js';
import { ContactHistorySchema } from '../domain/outreach/contact-history.entity.js';
import { SmsTemplateSchema } from '../domain/outreach/sms-template.entity.js';
import { SmsBatchSchema } from '../domain/outreach/sms-batch.entity.js';
import { SmsBatchRecipientSchema } from '../domain/outreach/sms-batch-recipient.entity.js';
import { FollowUpTaskSchema } from '../domain/todos/follow-up-task.entity.js';
import { ConsentSchema } from '../domain/compliance/consent.entity.js';
import { ComplianceDecisionSchema } from '../domain/compliance/compliance-decision.entity.js';
import { CallSchema } from '../domain/calls/call.entity.js';
import { CallerIdentificationSchema } from '../domain/calls/caller-identification.entity.js';
import { ScreenPopEventSchema } from '../domain/calls/screen-pop-event.entity.js';
import { CallTaskSchema } from '../domain/call-tasks/call-task.entity.js';
import { CallTaskPhoneSchema } from '../domain/call-tasks/call-task-phone.entity.js';
import { CallTaskDeviceSchema } from '../domain/call-tasks/call-task-device.entity.js';

import { CallAnalysisSchema } from '../domain/calls/call-analysis.entity.js';
import { StaffStatusSchema } from '../domain/sales-status/staff-status.entity.js';
import { GatewayDeviceSchema } from '../domain/voice-gateways/gateway-device.entity.js';
import { GatewayLineSchema } from '../domain/voice-gateways/gateway-line.entity.js';
import { RoutingRuleSchema } from '../domain/routing/routing-rule.entity.js';
import { HolidaySchema } from '../domain/routing/holiday.entity.js';
import { DutyScheduleSchema } from '../domain/routing/duty-schedule.entity.js';
import { BindingCodeSchema } from '../domain/chat/binding-code.entity.js';
import { MiniappIdentitySchema } from '../domain/chat/miniapp-identity.entity.js';
import { CallbackReceiptSchema } from '../bot/wecom/callback-receipt.entity.js';
import { SwitchEventReceiptSchema } from '../domain/calls/switch-event-receipt.entity.js';
import { ImportErrorSchema, ImportSchema } from '../domain/imports/import.entity.js';
import { NotificationOutboxSchema } from '../domain/notifications/notification-outbox.entity.js';

/** The domain data model (customers, outreach, calls, call tasks, routing, …). */
export const domainEntities = [
  CustomerSchema, CustomerContactSchema, CustomerCommunicationSchema, MobileClaimSchema,
  MemberSchema, MemberBehaviorSchema, MemberVisitSchema, VisitCategorySchema, MemberVisitCategorySchema, MemberTagSchema, BehaviorRunSchema, SegmentRuleSchema, RfmThresholdSchema, SegmentStatSchema, UpgradeHistorySchema, MemberTierSchema, CampaignSchema, CampaignTrackingSchema, CampaignDeliverySchema,
  EventSchema, SmsLogSchema, CustomerFeedbackSchema, InvitationSchema, ContactHistorySchema,
  SmsTemplateSchema, SmsBatchSchema, SmsBatchRecipientSchema, FollowUpTaskSchema, ConsentSchema, ComplianceDecisionSchema,
  CallSchema, CallerIdentificationSchema, ScreenPopEventSchema, StaffStatusSchema,
  CallTaskSchema, CallTaskPhoneSchema, CallTaskDeviceSchema, CallAnalysisSchema,
  GatewayDeviceSchema, GatewayLineSchema, RoutingRuleSchema, HolidaySchema, DutyScheduleSchema,
  BindingCodeSchema, MiniappIdentitySchema,
  ImportSchema, ImportErrorSchema,
  NotificationOutboxSchema,
];

/** Every entity the ORM knows; the migrations are generated from this list. */
export const allEntities = [StaffSchema, RolePermissionSchema, AuditLogSchema, AgendaJobSchema, CallbackReceiptSchema, SwitchEventReceiptSchema, ...domainEntities];
