import { Migration } from '@mikro-orm/migrations';

export class Migration20261122032404_domain_schema extends Migration {
  override name = 'Migration20261122032404_domain_schema';

  override up(): void | Promise<void> {
    this.addSql(`create table \`call_logs\` (\`id\` integer not null primary key autoincrement, \`call_id\` text not null, \`phone_number\` text not null, \`phone_number_last8\` text not null, \`script_id\` text null, \`status\` text check (\`status\` in ('initiated', 'ringing', 'answered', 'busy', 'no_answer', 'failed', 'completed')) not null default 'initiated', \`duration\` integer not null default 0, \`recording_url\` text null, \`started_at\` datetime null, \`ended_at\` datetime null, \`error_message\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`call_logs_call_id_unique\` on \`call_logs\` (\`call_id\`);`);
    this.addSql(`create index \`call_logs_phone_number_index\` on \`call_logs\` (\`phone_number\`);`);
    this.addSql(`create index \`call_logs_phone_number_last8_index\` on \`call_logs\` (\`phone_number_last8\`);`);
    this.addSql(`create index \`call_logs_status_index\` on \`call_logs\` (\`status\`);`);
    this.addSql(`create index \`call_logs_started_at_index\` on \`call_logs\` (\`started_at\`);`);

    this.addSql(`create table \`events\` (\`id\` text not null primary key, \`name\` text not null, \`event_date\` datetime not null, \`venue\` text null, \`description\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`events_event_date_index\` on \`events\` (\`event_date\`);`);

    this.addSql(`create table \`gateway_devices\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`model\` text not null default 'DAG1000-4S', \`host\` text not null, \`sip_profile\` text not null, \`line_count\` integer not null default 4, \`status\` text check (\`status\` in ('unknown', 'online', 'offline', 'disabled')) not null default 'unknown', \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`gateway_devices_name_unique\` on \`gateway_devices\` (\`name\`);`);

    this.addSql(`create table \`gateway_lines\` (\`id\` integer not null primary key autoincrement, \`device_id\` integer not null, \`port\` integer not null, \`number\` text null, \`number_last8\` text null, \`status\` text check (\`status\` in ('idle', 'busy', 'down', 'disabled')) not null default 'idle', \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`gateway_lines_device_id_foreign\` foreign key (\`device_id\`) references \`gateway_devices\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`gateway_lines_device_id_index\` on \`gateway_lines\` (\`device_id\`);`);
    this.addSql(`create index \`gateway_lines_number_last8_index\` on \`gateway_lines\` (\`number_last8\`);`);
    this.addSql(`create unique index \`gateway_lines_device_id_port_unique\` on \`gateway_lines\` (\`device_id\`, \`port\`);`);

    this.addSql(`create table \`holidays\` (\`id\` integer not null primary key autoincrement, \`date\` date not null, \`name\` text not null, \`workday\` integer not null default false);`);
    this.addSql(`create unique index \`holidays_date_unique\` on \`holidays\` (\`date\`);`);

    this.addSql(`create table \`routing_rules\` (\`id\` integer not null primary key autoincrement, \`kind\` text check (\`kind\` in ('work_hours', 'time_slot', 'forwarding')) not null, \`name\` text not null, \`body\` json not null, \`priority\` integer not null default 0, \`active\` integer not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`routing_rules_kind_active_index\` on \`routing_rules\` (\`kind\`, \`active\`);`);

    this.addSql(`create table \`screen_pop_events\` (\`id\` integer not null primary key autoincrement, \`call_uuid\` text not null, \`staff_ids\` json not null, \`payload\` json not null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`screen_pop_events_call_uuid_index\` on \`screen_pop_events\` (\`call_uuid\`);`);
    this.addSql(`create index \`screen_pop_events_created_at_index\` on \`screen_pop_events\` (\`created_at\`);`);

    this.addSql(`create table \`sms_logs\` (\`id\` integer not null primary key autoincrement, \`message_id\` text not null, \`phone_number\` text not null, \`phone_number_last8\` text not null, \`content\` text not null, \`template_id\` text null, \`category\` text check (\`category\` in ('marketing', 'notification', 'verification', 'reminder')) null, \`status\` text check (\`status\` in ('pending', 'sent', 'delivered', 'failed')) not null default 'pending', \`serial_no\` text null, \`sent_at\` datetime null, \`delivered_at\` datetime null, \`error_message\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`sms_logs_message_id_unique\` on \`sms_logs\` (\`message_id\`);`);
    this.addSql(`create index \`sms_logs_phone_number_index\` on \`sms_logs\` (\`phone_number\`);`);
    this.addSql(`create index \`sms_logs_phone_number_last8_index\` on \`sms_logs\` (\`phone_number_last8\`);`);
    this.addSql(`create index \`sms_logs_status_index\` on \`sms_logs\` (\`status\`);`);
    this.addSql(`create index \`sms_logs_sent_at_index\` on \`sms_logs\` (\`sent_at\`);`);

    this.addSql(`create table \`sms_templates\` (\`id\` integer not null primary key autoincrement, \`code\` text not null, \`name\` text not null, \`category\` text check (\`category\` in ('marketing', 'notification', 'verification', 'reminder')) not null, \`vendor_template_id\` text null, \`content\` text not null, \`param_names\` json not null default '[]', \`active\` integer not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`sms_templates_code_unique\` on \`sms_templates\` (\`code\`);`);

    this.addSql(`create table \`duty_schedules\` (\`id\` integer not null primary key autoincrement, \`staff_id\` integer not null, \`days\` json not null, \`start_time\` text not null, \`end_time\` text not null, \`priority\` integer not null default 0, \`active\` integer not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`duty_schedules_staff_id_foreign\` foreign key (\`staff_id\`) references \`staff\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`duty_schedules_staff_id_index\` on \`duty_schedules\` (\`staff_id\`);`);

    this.addSql(`create table \`customers\` (\`id\` text not null primary key, \`company_name\` text null, \`name\` text not null, \`phone\` text null, \`phone_last8\` text null, \`level\` text check (\`level\` in ('vip', 'normal', 'potential')) not null default 'normal', \`segment\` text check (\`segment\` in ('VIP', 'loyal', 'potential', 'regular', 'churn_risk', 'new')) null, \`owner_staff_id\` integer null, \`annual_revenue_fen\` bigint not null default '0', \`order_count\` integer not null default 0, \`last_contact_at\` datetime null, \`last_contact_type\` text check (\`last_contact_type\` in ('phone', 'sms', 'wechat', 'email', 'meeting', 'visit')) null, \`last_visit_at\` datetime null, \`birthday\` date null, \`tags\` json not null default '[]', \`notes\` text null, \`source\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`customers_owner_staff_id_foreign\` foreign key (\`owner_staff_id\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`customers_phone_last8_index\` on \`customers\` (\`phone_last8\`);`);
    this.addSql(`create index \`customers_level_index\` on \`customers\` (\`level\`);`);
    this.addSql(`create index \`customers_segment_index\` on \`customers\` (\`segment\`);`);
    this.addSql(`create index \`customers_owner_staff_id_index\` on \`customers\` (\`owner_staff_id\`);`);
    this.addSql(`create index \`customers_last_visit_at_index\` on \`customers\` (\`last_visit_at\`);`);

    this.addSql(`create table \`phone_call_records\` (\`id\` integer not null primary key autoincrement, \`uuid\` text not null, \`direction\` text check (\`direction\` in ('inbound', 'outbound')) not null default 'inbound', \`caller\` text not null, \`caller_last8\` text not null, \`callee\` text not null, \`callee_last8\` text not null, \`customer_id\` text null, \`answered_by\` integer null, \`ivr_choice\` text null, \`started_at\` datetime not null, \`answered_at\` datetime null, \`ended_at\` datetime null, \`duration\` integer not null default 0, \`recording_path\` text null, \`voicemail\` integer not null default false, \`hangup_cause\` text null, \`analysis_status\` text check (\`analysis_status\` in ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED')) null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`phone_call_records_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null, constraint \`phone_call_records_answered_by_foreign\` foreign key (\`answered_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create unique index \`phone_call_records_uuid_unique\` on \`phone_call_records\` (\`uuid\`);`);
    this.addSql(`create index \`phone_call_records_caller_last8_index\` on \`phone_call_records\` (\`caller_last8\`);`);
    this.addSql(`create index \`phone_call_records_callee_last8_index\` on \`phone_call_records\` (\`callee_last8\`);`);
    this.addSql(`create index \`phone_call_records_customer_id_index\` on \`phone_call_records\` (\`customer_id\`);`);
    this.addSql(`create index \`phone_call_records_answered_by_index\` on \`phone_call_records\` (\`answered_by\`);`);
    this.addSql(`create index \`phone_call_records_started_at_index\` on \`phone_call_records\` (\`started_at\`);`);
    this.addSql(`create index \`phone_call_records_analysis_status_index\` on \`phone_call_records\` (\`analysis_status\`);`);

    this.addSql(`create table \`members\` (\`id\` text not null primary key, \`customer_id\` text null, \`name\` text null, \`phone\` text null, \`phone_last8\` text null, \`tier\` text not null, \`points\` integer not null default 0, \`status\` text check (\`status\` in ('active', 'inactive')) not null default 'active', \`segment\` text check (\`segment\` in ('VIP', 'loyal', 'potential', 'regular', 'churn_risk', 'new')) null, \`tags\` json not null default '[]', \`joined_at\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`members_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`members_customer_id_index\` on \`members\` (\`customer_id\`);`);
    this.addSql(`create index \`members_phone_last8_index\` on \`members\` (\`phone_last8\`);`);
    this.addSql(`create index \`members_tier_index\` on \`members\` (\`tier\`);`);
    this.addSql(`create index \`members_status_index\` on \`members\` (\`status\`);`);
    this.addSql(`create index \`members_segment_index\` on \`members\` (\`segment\`);`);

    this.addSql(`create table \`member_visits\` (\`id\` integer not null primary key autoincrement, \`member_id\` text not null, \`visited_at\` datetime not null, \`spending_fen\` integer not null default 0, \`categories\` json not null default '[]', \`created_at\` datetime not null, constraint \`member_visits_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`member_visits_member_id_index\` on \`member_visits\` (\`member_id\`);`);
    this.addSql(`create index \`member_visits_member_id_visited_at_index\` on \`member_visits\` (\`member_id\`, \`visited_at\`);`);
    this.addSql(`create index \`member_visits_visited_at_index\` on \`member_visits\` (\`visited_at\`);`);

    this.addSql(`create table \`member_behavior\` (\`id\` integer not null primary key autoincrement, \`member_id\` text not null, \`visit_frequency\` integer not null default 0, \`avg_spending_fen\` integer not null default 0, \`last_visit_date\` date null, \`total_spending_fen\` bigint not null default '0', \`favorite_categories\` json not null default '[]', \`preferred_time_slots\` json not null default '[]', \`response_rate\` numeric(5,2) not null default 0, \`churn_risk\` numeric(5,2) not null default 0, \`updated_at\` datetime not null, constraint \`member_behavior_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`create unique index \`member_behavior_member_id_unique\` on \`member_behavior\` (\`member_id\`);`);

    this.addSql(`create table \`invitations\` (\`id\` text not null primary key, \`customer_id\` text not null, \`event_id\` text not null, \`event_name\` text not null, \`event_date\` datetime not null, \`content\` text not null, \`incentive\` text null, \`channel\` text check (\`channel\` in ('sms', 'call', 'wechat', 'email')) not null, \`status\` text check (\`status\` in ('draft', 'pending_approval', 'approved', 'rejected', 'sent', 'opened', 'accepted', 'declined', 'expired')) not null default 'draft', \`approved_by\` integer null, \`approved_at\` datetime null, \`rejected_reason\` text null, \`sent_at\` datetime null, \`responded_at\` datetime null, \`response\` text check (\`response\` in ('interested', 'maybe', 'not_interested')) null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`invitations_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade, constraint \`invitations_event_id_foreign\` foreign key (\`event_id\`) references \`events\` (\`id\`), constraint \`invitations_approved_by_foreign\` foreign key (\`approved_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`invitations_customer_id_index\` on \`invitations\` (\`customer_id\`);`);
    this.addSql(`create index \`invitations_event_id_index\` on \`invitations\` (\`event_id\`);`);
    this.addSql(`create index \`invitations_status_index\` on \`invitations\` (\`status\`);`);
    this.addSql(`create index \`invitations_approved_by_index\` on \`invitations\` (\`approved_by\`);`);

    this.addSql(`create table \`follow_up_tasks\` (\`id\` integer not null primary key autoincrement, \`customer_id\` text null, \`title\` text not null, \`reason\` text null, \`source\` text not null default 'manual', \`related_record_id\` text null, \`priority\` text check (\`priority\` in ('low', 'medium', 'high', 'urgent')) not null default 'medium', \`due_date\` date not null, \`due_at\` datetime null, \`status\` text check (\`status\` in ('pending', 'in_progress', 'completed', 'cancelled')) not null default 'pending', \`assigned_to\` integer null, \`notes\` text null, \`completed_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`follow_up_tasks_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade, constraint \`follow_up_tasks_assigned_to_foreign\` foreign key (\`assigned_to\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`follow_up_tasks_customer_id_index\` on \`follow_up_tasks\` (\`customer_id\`);`);
    this.addSql(`create index \`follow_up_tasks_related_record_id_index\` on \`follow_up_tasks\` (\`related_record_id\`);`);
    this.addSql(`create index \`follow_up_tasks_due_date_index\` on \`follow_up_tasks\` (\`due_date\`);`);
    this.addSql(`create index \`follow_up_tasks_status_index\` on \`follow_up_tasks\` (\`status\`);`);
    this.addSql(`create index \`follow_up_tasks_assigned_to_index\` on \`follow_up_tasks\` (\`assigned_to\`);`);
    this.addSql(`create index \`follow_up_tasks_assigned_to_status_due_date_index\` on \`follow_up_tasks\` (\`assigned_to\`, \`status\`, \`due_date\`);`);

    this.addSql(`create table \`customer_feedback\` (\`id\` integer not null primary key autoincrement, \`customer_id\` text not null, \`contact_id\` text not null, \`type\` text check (\`type\` in ('satisfaction', 'complaint', 'suggestion', 'inquiry')) not null, \`rating\` integer null, \`content\` text not null, \`sentiment\` json null, \`tags\` json not null default '[]', \`follow_up_required\` integer not null default false, \`created_at\` datetime not null, constraint \`customer_feedback_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`customer_feedback_customer_id_index\` on \`customer_feedback\` (\`customer_id\`);`);
    this.addSql(`create index \`customer_feedback_type_index\` on \`customer_feedback\` (\`type\`);`);
    this.addSql(`create index \`customer_feedback_follow_up_required_index\` on \`customer_feedback\` (\`follow_up_required\`);`);

    this.addSql(`create table \`customer_contacts\` (\`id\` integer not null primary key autoincrement, \`customer_id\` text not null, \`name\` text not null, \`phone\` text null, \`phone_last8\` text null, \`mobile\` text null, \`mobile_last8\` text null, \`department\` text null, \`position\` text null, \`phone_type\` text check (\`phone_type\` in ('mobile', 'landline', 'wechat')) not null default 'mobile', \`is_primary\` integer not null default false, \`call_preference\` text check (\`call_preference\` in ('any', 'morning', 'afternoon')) not null default 'any', \`last_call_date\` datetime null, \`call_count\` integer not null default 0, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`customer_contacts_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`customer_contacts_customer_id_index\` on \`customer_contacts\` (\`customer_id\`);`);
    this.addSql(`create index \`customer_contacts_phone_last8_index\` on \`customer_contacts\` (\`phone_last8\`);`);
    this.addSql(`create index \`customer_contacts_mobile_last8_index\` on \`customer_contacts\` (\`mobile_last8\`);`);

    this.addSql(`create table \`customer_communications\` (\`id\` integer not null primary key autoincrement, \`record_id\` text not null, \`customer_id\` text null, \`contact_id\` integer null, \`project_id\` text null, \`opportunity_id\` text null, \`communication_type\` text check (\`communication_type\` in ('phone', 'sms', 'wechat', 'email', 'meeting', 'visit')) not null, \`direction\` text check (\`direction\` in ('inbound', 'outbound')) null, \`channel\` text null, \`communication_time\` datetime not null, \`duration\` integer null, \`summary\` text null, \`content\` text null, \`recording_url\` text null, \`attachment_urls\` json null, \`intent_category\` text null, \`intent_detail\` text null, \`products_mentioned\` json null, \`price_discussed_fen\` bigint null, \`quantity_discussed\` integer null, \`follow_up_required\` integer not null default false, \`follow_up_items\` json null, \`follow_up_deadline\` datetime null, \`sentiment\` text check (\`sentiment\` in ('positive', 'neutral', 'negative')) null, \`urgency_level\` text check (\`urgency_level\` in ('high', 'medium', 'low')) null, \`handled_by\` integer null, \`assigned_to\` integer null, \`source_system\` text null, \`source_record_id\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`customer_communications_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null, constraint \`customer_communications_contact_id_foreign\` foreign key (\`contact_id\`) references \`customer_contacts\` (\`id\`) on delete set null, constraint \`customer_communications_handled_by_foreign\` foreign key (\`handled_by\`) references \`staff\` (\`id\`) on delete set null, constraint \`customer_communications_assigned_to_foreign\` foreign key (\`assigned_to\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create unique index \`customer_communications_record_id_unique\` on \`customer_communications\` (\`record_id\`);`);
    this.addSql(`create index \`customer_communications_customer_id_index\` on \`customer_communications\` (\`customer_id\`);`);
    this.addSql(`create index \`customer_communications_contact_id_index\` on \`customer_communications\` (\`contact_id\`);`);
    this.addSql(`create index \`customer_communications_communication_type_index\` on \`customer_communications\` (\`communication_type\`);`);
    this.addSql(`create index \`customer_communications_communication_time_index\` on \`customer_communications\` (\`communication_time\`);`);
    this.addSql(`create index \`customer_communications_intent_category_index\` on \`customer_communications\` (\`intent_category\`);`);
    this.addSql(`create index \`customer_communications_handled_by_index\` on \`customer_communications\` (\`handled_by\`);`);
    this.addSql(`create index \`customer_communications_assigned_to_index\` on \`customer_communications\` (\`assigned_to\`);`);
    this.addSql(`create index \`customer_communications_source_record_id_index\` on \`customer_communications\` (\`source_record_id\`);`);

    this.addSql(`create table \`caller_identifications\` (\`id\` integer not null primary key autoincrement, \`call_record_id\` integer null, \`caller_number\` text not null, \`caller_number_last8\` text not null, \`match_kind\` text check (\`match_kind\` in ('exact', 'last8', 'none')) not null default 'none', \`matched_customer_id\` text null, \`matched_contact_id\` integer null, \`match_confidence\` numeric(3,2) null, \`company_name\` text null, \`contact_name\` text null, \`department\` text null, \`position\` text null, \`customer_level\` text null, \`identified_at\` datetime not null, constraint \`caller_identifications_call_record_id_foreign\` foreign key (\`call_record_id\`) references \`phone_call_records\` (\`id\`) on delete cascade, constraint \`caller_identifications_matched_customer_id_foreign\` foreign key (\`matched_customer_id\`) references \`customers\` (\`id\`) on delete set null, constraint \`caller_identifications_matched_contact_id_foreign\` foreign key (\`matched_contact_id\`) references \`customer_contacts\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`caller_identifications_call_record_id_index\` on \`caller_identifications\` (\`call_record_id\`);`);
    this.addSql(`create index \`caller_identifications_caller_number_last8_index\` on \`caller_identifications\` (\`caller_number_last8\`);`);
    this.addSql(`create index \`caller_identifications_matched_customer_id_index\` on \`caller_identifications\` (\`matched_customer_id\`);`);
    this.addSql(`create index \`caller_identifications_matched_contact_id_index\` on \`caller_identifications\` (\`matched_contact_id\`);`);

    this.addSql(`create table \`contact_history\` (\`id\` integer not null primary key autoincrement, \`customer_id\` text not null, \`channel\` text check (\`channel\` in ('sms', 'call', 'wechat', 'email')) not null, \`type\` text check (\`type\` in ('follow_up', 'invitation', 'reminder', 'survey')) not null, \`content\` text not null, \`status\` text not null, \`result\` text null, \`created_at\` datetime not null, \`created_by\` integer null, constraint \`contact_history_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade, constraint \`contact_history_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`contact_history_customer_id_index\` on \`contact_history\` (\`customer_id\`);`);
    this.addSql(`create index \`contact_history_channel_index\` on \`contact_history\` (\`channel\`);`);
    this.addSql(`create index \`contact_history_type_index\` on \`contact_history\` (\`type\`);`);
    this.addSql(`create index \`contact_history_created_at_index\` on \`contact_history\` (\`created_at\`);`);
    this.addSql(`create index \`contact_history_created_by_index\` on \`contact_history\` (\`created_by\`);`);
    this.addSql(`create index \`contact_history_customer_id_created_at_index\` on \`contact_history\` (\`customer_id\`, \`created_at\`);`);

    this.addSql(`create table \`consents\` (\`id\` integer not null primary key autoincrement, \`customer_id\` text null, \`phone\` text not null, \`phone_last8\` text not null, \`channel\` text check (\`channel\` in ('sms', 'call', 'wechat', 'email')) not null, \`state\` text check (\`state\` in ('granted', 'revoked', 'opted_out', 'blacklisted')) not null, \`source\` text not null, \`reason\` text null, \`recorded_by\` integer null, \`recorded_at\` datetime not null, constraint \`consents_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null, constraint \`consents_recorded_by_foreign\` foreign key (\`recorded_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`consents_customer_id_index\` on \`consents\` (\`customer_id\`);`);
    this.addSql(`create index \`consents_phone_last8_index\` on \`consents\` (\`phone_last8\`);`);
    this.addSql(`create index \`consents_recorded_by_index\` on \`consents\` (\`recorded_by\`);`);
    this.addSql(`create index \`consents_phone_channel_recorded_at_index\` on \`consents\` (\`phone\`, \`channel\`, \`recorded_at\`);`);

    this.addSql(`create table \`campaigns\` (\`id\` text not null primary key, \`name\` text not null, \`segment\` text check (\`segment\` in ('VIP', 'loyal', 'potential', 'regular', 'churn_risk', 'new')) not null, \`type\` text check (\`type\` in ('discount', 'coupon', 'gift', 'points', 'upgrade', 'retention')) not null, \`channel\` text check (\`channel\` in ('sms', 'call', 'wechat', 'email')) not null, \`status\` text check (\`status\` in ('draft', 'pending_approval', 'approved', 'rejected', 'running', 'completed')) not null default 'draft', \`content\` text not null, \`audience_size\` integer not null default 0, \`estimated_cost_fen\` bigint not null default '0', \`created_by\` integer null, \`approved_by\` integer null, \`approved_at\` datetime null, \`rejected_reason\` text null, \`started_at\` datetime null, \`completed_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`campaigns_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null, constraint \`campaigns_approved_by_foreign\` foreign key (\`approved_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`campaigns_segment_index\` on \`campaigns\` (\`segment\`);`);
    this.addSql(`create index \`campaigns_status_index\` on \`campaigns\` (\`status\`);`);
    this.addSql(`create index \`campaigns_created_by_index\` on \`campaigns\` (\`created_by\`);`);
    this.addSql(`create index \`campaigns_approved_by_index\` on \`campaigns\` (\`approved_by\`);`);

    this.addSql(`create table \`sms_batches\` (\`id\` integer not null primary key autoincrement, \`status\` text check (\`status\` in ('draft', 'pending_approval', 'approved', 'rejected', 'sending', 'paused', 'completed', 'cancelled')) not null default 'draft', \`category\` text check (\`category\` in ('marketing', 'notification', 'verification', 'reminder')) not null default 'marketing', \`template_id\` integer null, \`message\` text null, \`campaign_id\` text null, \`total_count\` integer not null default 0, \`sent_count\` integer not null default 0, \`delivered_count\` integer not null default 0, \`failed_count\` integer not null default 0, \`skipped_count\` integer not null default 0, \`created_by\` integer null, \`approved_by\` integer null, \`approved_at\` datetime null, \`rejected_reason\` text null, \`scheduled_at\` datetime null, \`started_at\` datetime null, \`completed_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`sms_batches_template_id_foreign\` foreign key (\`template_id\`) references \`sms_templates\` (\`id\`) on delete set null, constraint \`sms_batches_campaign_id_foreign\` foreign key (\`campaign_id\`) references \`campaigns\` (\`id\`) on delete set null, constraint \`sms_batches_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null, constraint \`sms_batches_approved_by_foreign\` foreign key (\`approved_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`sms_batches_status_index\` on \`sms_batches\` (\`status\`);`);
    this.addSql(`create index \`sms_batches_template_id_index\` on \`sms_batches\` (\`template_id\`);`);
    this.addSql(`create index \`sms_batches_campaign_id_index\` on \`sms_batches\` (\`campaign_id\`);`);
    this.addSql(`create index \`sms_batches_created_by_index\` on \`sms_batches\` (\`created_by\`);`);
    this.addSql(`create index \`sms_batches_approved_by_index\` on \`sms_batches\` (\`approved_by\`);`);

    this.addSql(`create table \`sms_batch_recipients\` (\`id\` integer not null primary key autoincrement, \`batch_id\` integer not null, \`phone\` text not null, \`phone_last8\` text not null, \`customer_id\` text null, \`params\` json null, \`status\` text check (\`status\` in ('pending', 'sent', 'unknown', 'delivered', 'failed', 'skipped')) not null default 'pending', \`reason\` text null, \`message_id\` text null, \`serial_no\` text null, \`sent_at\` datetime null, \`delivered_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`sms_batch_recipients_batch_id_foreign\` foreign key (\`batch_id\`) references \`sms_batches\` (\`id\`) on delete cascade, constraint \`sms_batch_recipients_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`sms_batch_recipients_batch_id_index\` on \`sms_batch_recipients\` (\`batch_id\`);`);
    this.addSql(`create index \`sms_batch_recipients_phone_last8_index\` on \`sms_batch_recipients\` (\`phone_last8\`);`);
    this.addSql(`create index \`sms_batch_recipients_customer_id_index\` on \`sms_batch_recipients\` (\`customer_id\`);`);
    this.addSql(`create index \`sms_batch_recipients_batch_id_status_index\` on \`sms_batch_recipients\` (\`batch_id\`, \`status\`);`);
    this.addSql(`create unique index \`sms_batch_recipients_batch_id_phone_unique\` on \`sms_batch_recipients\` (\`batch_id\`, \`phone\`);`);

    this.addSql(`create table \`campaign_tracking\` (\`id\` integer not null primary key autoincrement, \`campaign_id\` text not null, \`member_id\` text not null, \`status\` text check (\`status\` in ('sent', 'delivered', 'opened', 'clicked', 'converted')) not null default 'sent', \`revenue_fen\` integer not null default 0, \`cost_fen\` integer not null default 0, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`campaign_tracking_campaign_id_foreign\` foreign key (\`campaign_id\`) references \`campaigns\` (\`id\`) on delete cascade, constraint \`campaign_tracking_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`campaign_tracking_campaign_id_index\` on \`campaign_tracking\` (\`campaign_id\`);`);
    this.addSql(`create index \`campaign_tracking_member_id_index\` on \`campaign_tracking\` (\`member_id\`);`);
    this.addSql(`create index \`campaign_tracking_campaign_id_status_index\` on \`campaign_tracking\` (\`campaign_id\`, \`status\`);`);

    this.addSql(`create table \`t_call_task\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`description\` text null, \`status\` text check (\`status\` in ('SCHEDULED', 'RUNNING', 'STOPPED', 'COMPLETED', 'FAILED', 'CANCELLED')) not null default 'SCHEDULED', \`call_script\` text not null, \`scheduled_time\` datetime null, \`caller_id\` text null, \`caller_id_last8\` text null, \`tags\` json not null default '[]', \`source\` text null, \`created_by\` integer null, \`started_time\` datetime null, \`completed_time\` datetime null, \`total_calls\` integer not null default 0, \`successful_calls\` integer not null default 0, \`intended_customers\` integer not null default 0, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`t_call_task_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`t_call_task_status_index\` on \`t_call_task\` (\`status\`);`);
    this.addSql(`create index \`t_call_task_scheduled_time_index\` on \`t_call_task\` (\`scheduled_time\`);`);
    this.addSql(`create index \`t_call_task_caller_id_last8_index\` on \`t_call_task\` (\`caller_id_last8\`);`);
    this.addSql(`create index \`t_call_task_created_by_index\` on \`t_call_task\` (\`created_by\`);`);
    this.addSql(`create index \`t_call_task_created_at_index\` on \`t_call_task\` (\`created_at\`);`);

    this.addSql(`create table \`t_call_task_phones\` (\`id\` integer not null primary key autoincrement, \`task_id\` integer not null, \`phone\` text not null, \`phone_last8\` text not null, \`status\` text check (\`status\` in ('pending', 'dialing', 'answered', 'no_answer', 'busy', 'failed', 'skipped')) not null default 'pending', \`attempts\` integer not null default 0, \`last_attempt_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`t_call_task_phones_task_id_foreign\` foreign key (\`task_id\`) references \`t_call_task\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`t_call_task_phones_task_id_index\` on \`t_call_task_phones\` (\`task_id\`);`);
    this.addSql(`create index \`t_call_task_phones_phone_last8_index\` on \`t_call_task_phones\` (\`phone_last8\`);`);
    this.addSql(`create index \`t_call_task_phones_task_id_status_index\` on \`t_call_task_phones\` (\`task_id\`, \`status\`);`);
    this.addSql(`create unique index \`t_call_task_phones_task_id_phone_unique\` on \`t_call_task_phones\` (\`task_id\`, \`phone\`);`);

    this.addSql(`create table \`t_call_task_devices\` (\`id\` integer not null primary key autoincrement, \`task_id\` integer not null, \`device_id\` integer not null, constraint \`t_call_task_devices_task_id_foreign\` foreign key (\`task_id\`) references \`t_call_task\` (\`id\`) on delete cascade, constraint \`t_call_task_devices_device_id_foreign\` foreign key (\`device_id\`) references \`gateway_devices\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`t_call_task_devices_task_id_index\` on \`t_call_task_devices\` (\`task_id\`);`);
    this.addSql(`create index \`t_call_task_devices_device_id_index\` on \`t_call_task_devices\` (\`device_id\`);`);
    this.addSql(`create unique index \`t_call_task_devices_task_id_device_id_unique\` on \`t_call_task_devices\` (\`task_id\`, \`device_id\`);`);

    this.addSql(`create table \`t_call_record\` (\`id\` integer not null primary key autoincrement, \`task_id\` integer null, \`call_uuid\` text null, \`phone\` text not null, \`phone_last8\` text not null, \`start_time\` datetime not null, \`end_time\` datetime null, \`duration\` integer not null default 0, \`recording_path\` text null, \`analysis_status\` text check (\`analysis_status\` in ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED')) not null default 'PENDING', \`hangup_cause\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`t_call_record_task_id_foreign\` foreign key (\`task_id\`) references \`t_call_task\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`t_call_record_task_id_index\` on \`t_call_record\` (\`task_id\`);`);
    this.addSql(`create unique index \`t_call_record_call_uuid_unique\` on \`t_call_record\` (\`call_uuid\`);`);
    this.addSql(`create index \`t_call_record_phone_index\` on \`t_call_record\` (\`phone\`);`);
    this.addSql(`create index \`t_call_record_phone_last8_index\` on \`t_call_record\` (\`phone_last8\`);`);
    this.addSql(`create index \`t_call_record_start_time_index\` on \`t_call_record\` (\`start_time\`);`);
    this.addSql(`create index \`t_call_record_analysis_status_index\` on \`t_call_record\` (\`analysis_status\`);`);

    this.addSql(`create table \`t_call_analysis\` (\`id\` integer not null primary key autoincrement, \`record_id\` integer not null, \`sentiment\` text check (\`sentiment\` in ('POSITIVE', 'NEUTRAL', 'NEGATIVE')) null, \`keywords\` json not null default '[]', \`intention\` text null, \`intention_score\` integer null, \`summary\` text null, \`transcription\` text null, \`failure_reason\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`t_call_analysis_record_id_foreign\` foreign key (\`record_id\`) references \`t_call_record\` (\`id\`) on delete cascade);`);
    this.addSql(`create unique index \`t_call_analysis_record_id_unique\` on \`t_call_analysis\` (\`record_id\`);`);

    this.addSql(`create table \`staff_statuses\` (\`id\` integer not null primary key autoincrement, \`staff_id\` integer not null, \`status\` text check (\`status\` in ('in_office', 'in_field', 'in_meeting', 'off_duty', 'on_leave')) not null, \`location\` text null, \`expires_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`staff_statuses_staff_id_foreign\` foreign key (\`staff_id\`) references \`staff\` (\`id\`) on delete cascade);`);
    this.addSql(`create unique index \`staff_statuses_staff_id_unique\` on \`staff_statuses\` (\`staff_id\`);`);

    this.addSql(`create table \`upgrade_history\` (\`id\` integer not null primary key autoincrement, \`member_id\` text not null, \`from_tier\` text null, \`to_tier\` text not null, \`rewards\` json not null default '[]', \`created_at\` datetime not null, constraint \`upgrade_history_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`upgrade_history_member_id_index\` on \`upgrade_history\` (\`member_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`call_logs\`;`);
    this.addSql(`drop table if exists \`events\`;`);
    this.addSql(`drop table if exists \`gateway_devices\`;`);
    this.addSql(`drop table if exists \`gateway_lines\`;`);
    this.addSql(`drop table if exists \`holidays\`;`);
    this.addSql(`drop table if exists \`routing_rules\`;`);
    this.addSql(`drop table if exists \`screen_pop_events\`;`);
    this.addSql(`drop table if exists \`sms_logs\`;`);
    this.addSql(`drop table if exists \`sms_templates\`;`);
    this.addSql(`drop table if exists \`duty_schedules\`;`);
    this.addSql(`drop table if exists \`customers\`;`);
    this.addSql(`drop table if exists \`phone_call_records\`;`);
    this.addSql(`drop table if exists \`members\`;`);
    this.addSql(`drop table if exists \`member_visits\`;`);
    this.addSql(`drop table if exists \`member_behavior\`;`);
    this.addSql(`drop table if exists \`invitations\`;`);
    this.addSql(`drop table if exists \`follow_up_tasks\`;`);
    this.addSql(`drop table if exists \`customer_feedback\`;`);
    this.addSql(`drop table if exists \`customer_contacts\`;`);
    this.addSql(`drop table if exists \`customer_communications\`;`);
    this.addSql(`drop table if exists \`caller_identifications\`;`);
    this.addSql(`drop table if exists \`contact_history\`;`);
    this.addSql(`drop table if exists \`consents\`;`);
    this.addSql(`drop table if exists \`campaigns\`;`);
    this.addSql(`drop table if exists \`sms_batches\`;`);
    this.addSql(`drop table if exists \`sms_batch_recipients\`;`);
    this.addSql(`drop table if exists \`campaign_tracking\`;`);
    this.addSql(`drop table if exists \`t_call_task\`;`);
    this.addSql(`drop table if exists \`t_call_task_phones\`;`);
    this.addSql(`drop table if exists \`t_call_task_devices\`;`);
    this.addSql(`drop table if exists \`t_call_record\`;`);
    this.addSql(`drop table if exists \`t_call_analysis\`;`);
    this.addSql(`drop table if exists \`staff_statuses\`;`);
    this.addSql(`drop table if exists \`upgrade_history\`;`);
  }

}
