import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CampaignSchema } from '../campaigns/campaign.entity.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import { EventSchema } from '../events/event.entity.js';
import { timestamps } from '../shared/entity-columns.js';
import { CONTACT_CHANNELS } from '../shared/vocabulary.js';
import { approvalColumns } from '../staff/approval-columns.js';
import { StaffSchema } from '../staff/staff.entity.js';

export const INVITATION_STATUSES = [
  'draft', 'pending_approval', 'approved', 'rejected', 'sent', 'failed', 'opened', 'accepted', 'declined', 'expired',
] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export const INVITATION_RESPONSES = ['interested', 'maybe', 'not_interested'] as const;

/** An event invitation for one customer (seed 000); event name and date are copied as sent. */
export const InvitationSchema = defineEntity({
  name: 'Invitation',
  tableName: 'invitations',
  properties: {
    id: p.string().length(50).primary(),
    customer: () => p.manyToOne(CustomerSchema).ref().deleteRule('cascade'),
    event: () => p.manyToOne(EventSchema).ref(),
    eventName: p.string().length(200),
    eventDate: p.datetime(),
    content: p.text(),
    incentive: p.string().length(500).nullable(),
    channel: p.enum([...CONTACT_CHANNELS]),
    status: p.enum([...INVITATION_STATUSES]).default('draft').index(),
    /**
     * `<customer id>|<event id>` while the invitation is open (anything but rejected, failed or expired), null once
     * it closes: the unique key holds "one open invitation per customer and event" in the database.
     */
    openKey: p.string().length(120).nullable().unique(),
    /** The campaign that sent it (its invitation channel); approved by the campaign's approval. */
    campaign: () => p.manyToOne(CampaignSchema).ref().nullable().deleteRule('set null'),
    createdBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('created_by').nullable(),
    ...approvalColumns(),
    sentAt: p.datetime().nullable(),
    /** Why the send failed (status `failed`): a compliance reason (NO_CONSENT, OPTED_OUT, …), NO_MOBILE, a carrier code. */
    failureReason: p.string().length(64).nullable(),
    failedAt: p.datetime().nullable(),
    respondedAt: p.datetime().nullable(),
    response: p.enum([...INVITATION_RESPONSES]).nullable(),
    ...timestamps(),
  },
});

export type Invitation = InferEntity<typeof InvitationSchema>;
