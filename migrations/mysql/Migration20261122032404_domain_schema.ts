import { Migration } from '@mikro-orm/migrations';

export class Migration20261122032404_domain_schema extends Migration {
  override name = 'Migration20261122032404_domain_schema';

  override up(): void | Promise<void> {
    this.addSql(`create table \`call_logs\` (\`id\` int unsigned not null auto_increment primary key, \`call_id\` varchar(100) not null, \`phone_number\` varchar(20) not null, \`phone_number_last8\` varchar(8) not null, \`script_id\` varchar(50) null, \`status\` enum('initiated','ringing','answered','busy','no_answer','failed','completed') not null default 'initiated', \`duration\` int not null default 0, \`recording_url\` varchar(500) null, \`started_at\` datetime null, \`ended_at\` datetime null, \`error_message\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`call_logs\` add unique \`call_logs_call_id_unique\` (\`call_id\`);`);
    this.addSql(`alter table \`call_logs\` add index \`call_logs_phone_number_index\` (\`phone_number\`);`);
    this.addSql(`alter table \`call_logs\` add index \`call_logs_phone_number_last8_index\` (\`phone_number_last8\`);`);
    this.addSql(`alter table \`call_logs\` add index \`call_logs_status_index\` (\`status\`);`);
    this.addSql(`alter table \`call_logs\` add index \`call_logs_started_at_index\` (\`started_at\`);`);

    this.addSql(`create table \`events\` (\`id\` varchar(50) not null, \`name\` varchar(200) not null, \`event_date\` datetime not null, \`venue\` varchar(200) null, \`description\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`events\` add index \`events_event_date_index\` (\`event_date\`);`);

    this.addSql(`create table \`gateway_devices\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(64) not null, \`model\` varchar(32) not null default 'DAG1000-4S', \`host\` varchar(255) not null, \`sip_profile\` varchar(64) not null, \`line_count\` int not null default 4, \`status\` enum('unknown','online','offline','disabled') not null default 'unknown', \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`gateway_devices\` add unique \`gateway_devices_name_unique\` (\`name\`);`);

    this.addSql(`create table \`gateway_lines\` (\`id\` int unsigned not null auto_increment primary key, \`device_id\` int unsigned not null, \`port\` int not null, \`number\` varchar(20) null, \`number_last8\` varchar(8) null, \`status\` enum('idle','busy','down','disabled') not null default 'idle', \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`gateway_lines\` add index \`gateway_lines_device_id_index\` (\`device_id\`);`);
    this.addSql(`alter table \`gateway_lines\` add index \`gateway_lines_number_last8_index\` (\`number_last8\`);`);
    this.addSql(`alter table \`gateway_lines\` add unique \`gateway_lines_device_id_port_unique\` (\`device_id\`, \`port\`);`);

    this.addSql(`create table \`holidays\` (\`id\` int unsigned not null auto_increment primary key, \`date\` date not null, \`name\` varchar(64) not null, \`workday\` tinyint(1) not null default false) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`holidays\` add unique \`holidays_date_unique\` (\`date\`);`);

    this.addSql(`create table \`routing_rules\` (\`id\` int unsigned not null auto_increment primary key, \`kind\` enum('work_hours','time_slot','forwarding') not null, \`name\` varchar(64) not null, \`body\` json not null, \`priority\` int not null default 0, \`active\` tinyint(1) not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`routing_rules\` add index \`routing_rules_kind_active_index\` (\`kind\`, \`active\`);`);

    this.addSql(`create table \`screen_pop_events\` (\`id\` int unsigned not null auto_increment primary key, \`call_uuid\` varchar(64) not null, \`staff_ids\` json not null, \`payload\` json not null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`screen_pop_events\` add index \`screen_pop_events_call_uuid_index\` (\`call_uuid\`);`);
    this.addSql(`alter table \`screen_pop_events\` add index \`screen_pop_events_created_at_index\` (\`created_at\`);`);

    this.addSql(`create table \`sms_logs\` (\`id\` int unsigned not null auto_increment primary key, \`message_id\` varchar(100) not null, \`phone_number\` varchar(20) not null, \`phone_number_last8\` varchar(8) not null, \`content\` text not null, \`template_id\` varchar(50) null, \`category\` enum('marketing','notification','verification','reminder') null, \`status\` enum('pending','sent','delivered','failed') not null default 'pending', \`serial_no\` varchar(100) null, \`sent_at\` datetime null, \`delivered_at\` datetime null, \`error_message\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sms_logs\` add unique \`sms_logs_message_id_unique\` (\`message_id\`);`);
    this.addSql(`alter table \`sms_logs\` add index \`sms_logs_phone_number_index\` (\`phone_number\`);`);
    this.addSql(`alter table \`sms_logs\` add index \`sms_logs_phone_number_last8_index\` (\`phone_number_last8\`);`);
    this.addSql(`alter table \`sms_logs\` add index \`sms_logs_status_index\` (\`status\`);`);
    this.addSql(`alter table \`sms_logs\` add index \`sms_logs_sent_at_index\` (\`sent_at\`);`);

    this.addSql(`create table \`sms_templates\` (\`id\` int unsigned not null auto_increment primary key, \`code\` varchar(50) not null, \`name\` varchar(100) not null, \`category\` enum('marketing','notification','verification','reminder') not null, \`vendor_template_id\` varchar(64) null, \`content\` text not null, \`param_names\` json not null default ('[]'), \`active\` tinyint(1) not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sms_templates\` add unique \`sms_templates_code_unique\` (\`code\`);`);

    this.addSql(`create table \`duty_schedules\` (\`id\` int unsigned not null auto_increment primary key, \`staff_id\` int unsigned not null, \`days\` json not null, \`start_time\` varchar(5) not null, \`end_time\` varchar(5) not null, \`priority\` int not null default 0, \`active\` tinyint(1) not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`duty_schedules\` add index \`duty_schedules_staff_id_index\` (\`staff_id\`);`);

    this.addSql(`create table \`customers\` (\`id\` varchar(64) not null, \`company_name\` varchar(128) null, \`name\` varchar(64) not null, \`phone\` varchar(20) null, \`phone_last8\` varchar(8) null, \`level\` enum('vip','normal','potential') not null default 'normal', \`segment\` enum('VIP','loyal','potential','regular','churn_risk','new') null, \`owner_staff_id\` int unsigned null, \`annual_revenue_fen\` bigint not null default '0', \`order_count\` int not null default 0, \`last_contact_at\` datetime null, \`last_contact_type\` enum('phone','sms','wechat','email','meeting','visit') null, \`last_visit_at\` datetime null, \`birthday\` date null, \`tags\` json not null default ('[]'), \`notes\` text null, \`source\` varchar(32) null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`customers\` add index \`customers_phone_last8_index\` (\`phone_last8\`);`);
    this.addSql(`alter table \`customers\` add index \`customers_level_index\` (\`level\`);`);
    this.addSql(`alter table \`customers\` add index \`customers_segment_index\` (\`segment\`);`);
    this.addSql(`alter table \`customers\` add index \`customers_owner_staff_id_index\` (\`owner_staff_id\`);`);
    this.addSql(`alter table \`customers\` add index \`customers_last_visit_at_index\` (\`last_visit_at\`);`);

    this.addSql(`create table \`phone_call_records\` (\`id\` int unsigned not null auto_increment primary key, \`uuid\` varchar(64) not null, \`direction\` enum('inbound','outbound') not null default 'inbound', \`caller\` varchar(20) not null, \`caller_last8\` varchar(8) not null, \`callee\` varchar(20) not null, \`callee_last8\` varchar(8) not null, \`customer_id\` varchar(64) null, \`answered_by\` int unsigned null, \`ivr_choice\` varchar(8) null, \`started_at\` datetime not null, \`answered_at\` datetime null, \`ended_at\` datetime null, \`duration\` int not null default 0, \`recording_path\` varchar(500) null, \`voicemail\` tinyint(1) not null default false, \`hangup_cause\` varchar(64) null, \`analysis_status\` enum('PENDING','PROCESSING','COMPLETED','FAILED') null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`phone_call_records\` add unique \`phone_call_records_uuid_unique\` (\`uuid\`);`);
    this.addSql(`alter table \`phone_call_records\` add index \`phone_call_records_caller_last8_index\` (\`caller_last8\`);`);
    this.addSql(`alter table \`phone_call_records\` add index \`phone_call_records_callee_last8_index\` (\`callee_last8\`);`);
    this.addSql(`alter table \`phone_call_records\` add index \`phone_call_records_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`phone_call_records\` add index \`phone_call_records_answered_by_index\` (\`answered_by\`);`);
    this.addSql(`alter table \`phone_call_records\` add index \`phone_call_records_started_at_index\` (\`started_at\`);`);
    this.addSql(`alter table \`phone_call_records\` add index \`phone_call_records_analysis_status_index\` (\`analysis_status\`);`);

    this.addSql(`create table \`members\` (\`id\` varchar(50) not null, \`customer_id\` varchar(64) null, \`name\` varchar(64) null, \`phone\` varchar(20) null, \`phone_last8\` varchar(8) null, \`tier\` varchar(20) not null, \`points\` int not null default 0, \`status\` enum('active','inactive') not null default 'active', \`segment\` enum('VIP','loyal','potential','regular','churn_risk','new') null, \`tags\` json not null default ('[]'), \`joined_at\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`members\` add index \`members_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`members\` add index \`members_phone_last8_index\` (\`phone_last8\`);`);
    this.addSql(`alter table \`members\` add index \`members_tier_index\` (\`tier\`);`);
    this.addSql(`alter table \`members\` add index \`members_status_index\` (\`status\`);`);
    this.addSql(`alter table \`members\` add index \`members_segment_index\` (\`segment\`);`);

    this.addSql(`create table \`member_visits\` (\`id\` int unsigned not null auto_increment primary key, \`member_id\` varchar(50) not null, \`visited_at\` datetime not null, \`spending_fen\` int not null default 0, \`categories\` json not null default ('[]'), \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`member_visits\` add index \`member_visits_member_id_index\` (\`member_id\`);`);
    this.addSql(`alter table \`member_visits\` add index \`member_visits_member_id_visited_at_index\` (\`member_id\`, \`visited_at\`);`);
    this.addSql(`alter table \`member_visits\` add index \`member_visits_visited_at_index\` (\`visited_at\`);`);

    this.addSql(`create table \`member_behavior\` (\`id\` int unsigned not null auto_increment primary key, \`member_id\` varchar(50) not null, \`visit_frequency\` int not null default 0, \`avg_spending_fen\` int not null default 0, \`last_visit_date\` date null, \`total_spending_fen\` bigint not null default '0', \`favorite_categories\` json not null default ('[]'), \`preferred_time_slots\` json not null default ('[]'), \`response_rate\` numeric(5,2) not null default 0, \`churn_risk\` numeric(5,2) not null default 0, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`member_behavior\` add unique \`member_behavior_member_id_unique\` (\`member_id\`);`);

    this.addSql(`create table \`invitations\` (\`id\` varchar(50) not null, \`customer_id\` varchar(64) not null, \`event_id\` varchar(50) not null, \`event_name\` varchar(200) not null, \`event_date\` datetime not null, \`content\` text not null, \`incentive\` varchar(500) null, \`channel\` enum('sms','call','wechat','email') not null, \`status\` enum('draft','pending_approval','approved','rejected','sent','opened','accepted','declined','expired') not null default 'draft', \`approved_by\` int unsigned null, \`approved_at\` datetime null, \`rejected_reason\` varchar(500) null, \`sent_at\` datetime null, \`responded_at\` datetime null, \`response\` enum('interested','maybe','not_interested') null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`invitations\` add index \`invitations_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`invitations\` add index \`invitations_event_id_index\` (\`event_id\`);`);
    this.addSql(`alter table \`invitations\` add index \`invitations_status_index\` (\`status\`);`);
    this.addSql(`alter table \`invitations\` add index \`invitations_approved_by_index\` (\`approved_by\`);`);

    this.addSql(`create table \`follow_up_tasks\` (\`id\` int unsigned not null auto_increment primary key, \`customer_id\` varchar(64) null, \`title\` varchar(200) not null, \`reason\` varchar(100) null, \`source\` varchar(32) not null default 'manual', \`related_record_id\` varchar(64) null, \`priority\` enum('low','medium','high','urgent') not null default 'medium', \`due_date\` date not null, \`due_at\` datetime null, \`status\` enum('pending','in_progress','completed','cancelled') not null default 'pending', \`assigned_to\` int unsigned null, \`notes\` text null, \`completed_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`follow_up_tasks\` add index \`follow_up_tasks_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`follow_up_tasks\` add index \`follow_up_tasks_related_record_id_index\` (\`related_record_id\`);`);
    this.addSql(`alter table \`follow_up_tasks\` add index \`follow_up_tasks_due_date_index\` (\`due_date\`);`);
    this.addSql(`alter table \`follow_up_tasks\` add index \`follow_up_tasks_status_index\` (\`status\`);`);
    this.addSql(`alter table \`follow_up_tasks\` add index \`follow_up_tasks_assigned_to_index\` (\`assigned_to\`);`);
    this.addSql(`alter table \`follow_up_tasks\` add index \`follow_up_tasks_assigned_to_status_due_date_index\` (\`assigned_to\`, \`status\`, \`due_date\`);`);

    this.addSql(`create table \`customer_feedback\` (\`id\` int unsigned not null auto_increment primary key, \`customer_id\` varchar(64) not null, \`contact_id\` varchar(50) not null, \`type\` enum('satisfaction','complaint','suggestion','inquiry') not null, \`rating\` int null, \`content\` text not null, \`sentiment\` json null, \`tags\` json not null default ('[]'), \`follow_up_required\` tinyint(1) not null default false, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`customer_feedback\` add index \`customer_feedback_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`customer_feedback\` add index \`customer_feedback_type_index\` (\`type\`);`);
    this.addSql(`alter table \`customer_feedback\` add index \`customer_feedback_follow_up_required_index\` (\`follow_up_required\`);`);

    this.addSql(`create table \`customer_contacts\` (\`id\` int unsigned not null auto_increment primary key, \`customer_id\` varchar(64) not null, \`name\` varchar(64) not null, \`phone\` varchar(20) null, \`phone_last8\` varchar(8) null, \`mobile\` varchar(20) null, \`mobile_last8\` varchar(8) null, \`department\` varchar(64) null, \`position\` varchar(64) null, \`phone_type\` enum('mobile','landline','wechat') not null default 'mobile', \`is_primary\` tinyint(1) not null default false, \`call_preference\` enum('any','morning','afternoon') not null default 'any', \`last_call_date\` datetime null, \`call_count\` int not null default 0, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`customer_contacts\` add index \`customer_contacts_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`customer_contacts\` add index \`customer_contacts_phone_last8_index\` (\`phone_last8\`);`);
    this.addSql(`alter table \`customer_contacts\` add index \`customer_contacts_mobile_last8_index\` (\`mobile_last8\`);`);

    this.addSql(`create table \`customer_communications\` (\`id\` int unsigned not null auto_increment primary key, \`record_id\` varchar(64) not null, \`customer_id\` varchar(64) null, \`contact_id\` int unsigned null, \`project_id\` varchar(64) null, \`opportunity_id\` varchar(64) null, \`communication_type\` enum('phone','sms','wechat','email','meeting','visit') not null, \`direction\` enum('inbound','outbound') null, \`channel\` varchar(32) null, \`communication_time\` datetime not null, \`duration\` int null, \`summary\` text null, \`content\` text null, \`recording_url\` varchar(500) null, \`attachment_urls\` json null, \`intent_category\` varchar(32) null, \`intent_detail\` varchar(128) null, \`products_mentioned\` json null, \`price_discussed_fen\` bigint null, \`quantity_discussed\` int null, \`follow_up_required\` tinyint(1) not null default false, \`follow_up_items\` json null, \`follow_up_deadline\` datetime null, \`sentiment\` enum('positive','neutral','negative') null, \`urgency_level\` enum('high','medium','low') null, \`handled_by\` int unsigned null, \`assigned_to\` int unsigned null, \`source_system\` varchar(32) null, \`source_record_id\` varchar(64) null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`customer_communications\` add unique \`customer_communications_record_id_unique\` (\`record_id\`);`);
    this.addSql(`alter table \`customer_communications\` add index \`customer_communications_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`customer_communications\` add index \`customer_communications_contact_id_index\` (\`contact_id\`);`);
    this.addSql(`alter table \`customer_communications\` add index \`customer_communications_communication_type_index\` (\`communication_type\`);`);
    this.addSql(`alter table \`customer_communications\` add index \`customer_communications_communication_time_index\` (\`communication_time\`);`);
    this.addSql(`alter table \`customer_communications\` add index \`customer_communications_intent_category_index\` (\`intent_category\`);`);
    this.addSql(`alter table \`customer_communications\` add index \`customer_communications_handled_by_index\` (\`handled_by\`);`);
    this.addSql(`alter table \`customer_communications\` add index \`customer_communications_assigned_to_index\` (\`assigned_to\`);`);
    this.addSql(`alter table \`customer_communications\` add index \`customer_communications_source_record_id_index\` (\`source_record_id\`);`);

    this.addSql(`create table \`caller_identifications\` (\`id\` int unsigned not null auto_increment primary key, \`call_record_id\` int unsigned null, \`caller_number\` varchar(20) not null, \`caller_number_last8\` varchar(8) not null, \`match_kind\` enum('exact','last8','none') not null default 'none', \`matched_customer_id\` varchar(64) null, \`matched_contact_id\` int unsigned null, \`match_confidence\` numeric(3,2) null, \`company_name\` varchar(128) null, \`contact_name\` varchar(64) null, \`department\` varchar(64) null, \`position\` varchar(64) null, \`customer_level\` varchar(32) null, \`identified_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`caller_identifications\` add index \`caller_identifications_call_record_id_index\` (\`call_record_id\`);`);
    this.addSql(`alter table \`caller_identifications\` add index \`caller_identifications_caller_number_last8_index\` (\`caller_number_last8\`);`);
    this.addSql(`alter table \`caller_identifications\` add index \`caller_identifications_matched_customer_id_index\` (\`matched_customer_id\`);`);
    this.addSql(`alter table \`caller_identifications\` add index \`caller_identifications_matched_contact_id_index\` (\`matched_contact_id\`);`);

    this.addSql(`create table \`contact_history\` (\`id\` int unsigned not null auto_increment primary key, \`customer_id\` varchar(64) not null, \`channel\` enum('sms','call','wechat','email') not null, \`type\` enum('follow_up','invitation','reminder','survey') not null, \`content\` text not null, \`status\` varchar(50) not null, \`result\` text null, \`created_at\` datetime not null, \`created_by\` int unsigned null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`contact_history\` add index \`contact_history_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`contact_history\` add index \`contact_history_channel_index\` (\`channel\`);`);
    this.addSql(`alter table \`contact_history\` add index \`contact_history_type_index\` (\`type\`);`);
    this.addSql(`alter table \`contact_history\` add index \`contact_history_created_at_index\` (\`created_at\`);`);
    this.addSql(`alter table \`contact_history\` add index \`contact_history_created_by_index\` (\`created_by\`);`);
    this.addSql(`alter table \`contact_history\` add index \`contact_history_customer_id_created_at_index\` (\`customer_id\`, \`created_at\`);`);

    this.addSql(`create table \`consents\` (\`id\` int unsigned not null auto_increment primary key, \`customer_id\` varchar(64) null, \`phone\` varchar(20) not null, \`phone_last8\` varchar(8) not null, \`channel\` enum('sms','call','wechat','email') not null, \`state\` enum('granted','revoked','opted_out','blacklisted') not null, \`source\` varchar(32) not null, \`reason\` varchar(255) null, \`recorded_by\` int unsigned null, \`recorded_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`consents\` add index \`consents_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`consents\` add index \`consents_phone_last8_index\` (\`phone_last8\`);`);
    this.addSql(`alter table \`consents\` add index \`consents_recorded_by_index\` (\`recorded_by\`);`);
    this.addSql(`alter table \`consents\` add index \`consents_phone_channel_recorded_at_index\` (\`phone\`, \`channel\`, \`recorded_at\`);`);

    this.addSql(`create table \`campaigns\` (\`id\` varchar(50) not null, \`name\` varchar(200) not null, \`segment\` enum('VIP','loyal','potential','regular','churn_risk','new') not null, \`type\` enum('discount','coupon','gift','points','upgrade','retention') not null, \`channel\` enum('sms','call','wechat','email') not null, \`status\` enum('draft','pending_approval','approved','rejected','running','completed') not null default 'draft', \`content\` text not null, \`audience_size\` int not null default 0, \`estimated_cost_fen\` bigint not null default '0', \`created_by\` int unsigned null, \`approved_by\` int unsigned null, \`approved_at\` datetime null, \`rejected_reason\` varchar(500) null, \`started_at\` datetime null, \`completed_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`campaigns\` add index \`campaigns_segment_index\` (\`segment\`);`);
    this.addSql(`alter table \`campaigns\` add index \`campaigns_status_index\` (\`status\`);`);
    this.addSql(`alter table \`campaigns\` add index \`campaigns_created_by_index\` (\`created_by\`);`);
    this.addSql(`alter table \`campaigns\` add index \`campaigns_approved_by_index\` (\`approved_by\`);`);

    this.addSql(`create table \`sms_batches\` (\`id\` int unsigned not null auto_increment primary key, \`status\` enum('draft','pending_approval','approved','rejected','sending','paused','completed','cancelled') not null default 'draft', \`category\` enum('marketing','notification','verification','reminder') not null default 'marketing', \`template_id\` int unsigned null, \`message\` text null, \`campaign_id\` varchar(50) null, \`total_count\` int not null default 0, \`sent_count\` int not null default 0, \`delivered_count\` int not null default 0, \`failed_count\` int not null default 0, \`skipped_count\` int not null default 0, \`created_by\` int unsigned null, \`approved_by\` int unsigned null, \`approved_at\` datetime null, \`rejected_reason\` varchar(500) null, \`scheduled_at\` datetime null, \`started_at\` datetime null, \`completed_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sms_batches\` add index \`sms_batches_status_index\` (\`status\`);`);
    this.addSql(`alter table \`sms_batches\` add index \`sms_batches_template_id_index\` (\`template_id\`);`);
    this.addSql(`alter table \`sms_batches\` add index \`sms_batches_campaign_id_index\` (\`campaign_id\`);`);
    this.addSql(`alter table \`sms_batches\` add index \`sms_batches_created_by_index\` (\`created_by\`);`);
    this.addSql(`alter table \`sms_batches\` add index \`sms_batches_approved_by_index\` (\`approved_by\`);`);

    this.addSql(`create table \`sms_batch_recipients\` (\`id\` int unsigned not null auto_increment primary key, \`batch_id\` int unsigned not null, \`phone\` varchar(20) not null, \`phone_last8\` varchar(8) not null, \`customer_id\` varchar(64) null, \`params\` json null, \`status\` enum('pending','sent','unknown','delivered','failed','skipped') not null default 'pending', \`reason\` varchar(255) null, \`message_id\` varchar(100) null, \`serial_no\` varchar(100) null, \`sent_at\` datetime null, \`delivered_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sms_batch_recipients\` add index \`sms_batch_recipients_batch_id_index\` (\`batch_id\`);`);
    this.addSql(`alter table \`sms_batch_recipients\` add index \`sms_batch_recipients_phone_last8_index\` (\`phone_last8\`);`);
    this.addSql(`alter table \`sms_batch_recipients\` add index \`sms_batch_recipients_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`sms_batch_recipients\` add index \`sms_batch_recipients_batch_id_status_index\` (\`batch_id\`, \`status\`);`);
    this.addSql(`alter table \`sms_batch_recipients\` add unique \`sms_batch_recipients_batch_id_phone_unique\` (\`batch_id\`, \`phone\`);`);

    this.addSql(`create table \`campaign_tracking\` (\`id\` int unsigned not null auto_increment primary key, \`campaign_id\` varchar(50) not null, \`member_id\` varchar(50) not null, \`status\` enum('sent','delivered','opened','clicked','converted') not null default 'sent', \`revenue_fen\` int not null default 0, \`cost_fen\` int not null default 0, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`campaign_tracking\` add index \`campaign_tracking_campaign_id_index\` (\`campaign_id\`);`);
    this.addSql(`alter table \`campaign_tracking\` add index \`campaign_tracking_member_id_index\` (\`member_id\`);`);
    this.addSql(`alter table \`campaign_tracking\` add index \`campaign_tracking_campaign_id_status_index\` (\`campaign_id\`, \`status\`);`);

    this.addSql(`create table \`t_call_task\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(200) not null, \`description\` text null, \`status\` enum('SCHEDULED','RUNNING','STOPPED','COMPLETED','FAILED','CANCELLED') not null default 'SCHEDULED', \`call_script\` text not null, \`scheduled_time\` datetime null, \`caller_id\` varchar(20) null, \`caller_id_last8\` varchar(8) null, \`tags\` json not null default ('[]'), \`source\` varchar(64) null, \`created_by\` int unsigned null, \`started_time\` datetime null, \`completed_time\` datetime null, \`total_calls\` int not null default 0, \`successful_calls\` int not null default 0, \`intended_customers\` int not null default 0, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`t_call_task\` add index \`t_call_task_status_index\` (\`status\`);`);
    this.addSql(`alter table \`t_call_task\` add index \`t_call_task_scheduled_time_index\` (\`scheduled_time\`);`);
    this.addSql(`alter table \`t_call_task\` add index \`t_call_task_caller_id_last8_index\` (\`caller_id_last8\`);`);
    this.addSql(`alter table \`t_call_task\` add index \`t_call_task_created_by_index\` (\`created_by\`);`);
    this.addSql(`alter table \`t_call_task\` add index \`t_call_task_created_at_index\` (\`created_at\`);`);

    this.addSql(`create table \`t_call_task_phones\` (\`id\` int unsigned not null auto_increment primary key, \`task_id\` int unsigned not null, \`phone\` varchar(20) not null, \`phone_last8\` varchar(8) not null, \`status\` enum('pending','dialing','answered','no_answer','busy','failed','skipped') not null default 'pending', \`attempts\` int not null default 0, \`last_attempt_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`t_call_task_phones\` add index \`t_call_task_phones_task_id_index\` (\`task_id\`);`);
    this.addSql(`alter table \`t_call_task_phones\` add index \`t_call_task_phones_phone_last8_index\` (\`phone_last8\`);`);
    this.addSql(`alter table \`t_call_task_phones\` add index \`t_call_task_phones_task_id_status_index\` (\`task_id\`, \`status\`);`);
    this.addSql(`alter table \`t_call_task_phones\` add unique \`t_call_task_phones_task_id_phone_unique\` (\`task_id\`, \`phone\`);`);

    this.addSql(`create table \`t_call_task_devices\` (\`id\` int unsigned not null auto_increment primary key, \`task_id\` int unsigned not null, \`device_id\` int unsigned not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`t_call_task_devices\` add index \`t_call_task_devices_task_id_index\` (\`task_id\`);`);
    this.addSql(`alter table \`t_call_task_devices\` add index \`t_call_task_devices_device_id_index\` (\`device_id\`);`);
    this.addSql(`alter table \`t_call_task_devices\` add unique \`t_call_task_devices_task_id_device_id_unique\` (\`task_id\`, \`device_id\`);`);

    this.addSql(`create table \`t_call_record\` (\`id\` int unsigned not null auto_increment primary key, \`task_id\` int unsigned null, \`call_uuid\` varchar(64) null, \`phone\` varchar(20) not null, \`phone_last8\` varchar(8) not null, \`start_time\` datetime not null, \`end_time\` datetime null, \`duration\` int not null default 0, \`recording_path\` varchar(500) null, \`analysis_status\` enum('PENDING','PROCESSING','COMPLETED','FAILED') not null default 'PENDING', \`hangup_cause\` varchar(64) null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`t_call_record\` add index \`t_call_record_task_id_index\` (\`task_id\`);`);
    this.addSql(`alter table \`t_call_record\` add unique \`t_call_record_call_uuid_unique\` (\`call_uuid\`);`);
    this.addSql(`alter table \`t_call_record\` add index \`t_call_record_phone_index\` (\`phone\`);`);
    this.addSql(`alter table \`t_call_record\` add index \`t_call_record_phone_last8_index\` (\`phone_last8\`);`);
    this.addSql(`alter table \`t_call_record\` add index \`t_call_record_start_time_index\` (\`start_time\`);`);
    this.addSql(`alter table \`t_call_record\` add index \`t_call_record_analysis_status_index\` (\`analysis_status\`);`);

    this.addSql(`create table \`t_call_analysis\` (\`id\` int unsigned not null auto_increment primary key, \`record_id\` int unsigned not null, \`sentiment\` enum('POSITIVE','NEUTRAL','NEGATIVE') null, \`keywords\` json not null default ('[]'), \`intention\` varchar(64) null, \`intention_score\` int null, \`summary\` text null, \`transcription\` text null, \`failure_reason\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`t_call_analysis\` add unique \`t_call_analysis_record_id_unique\` (\`record_id\`);`);

    this.addSql(`create table \`staff_statuses\` (\`id\` int unsigned not null auto_increment primary key, \`staff_id\` int unsigned not null, \`status\` enum('in_office','in_field','in_meeting','off_duty','on_leave') not null, \`location\` varchar(128) null, \`expires_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`staff_statuses\` add unique \`staff_statuses_staff_id_unique\` (\`staff_id\`);`);

    this.addSql(`create table \`upgrade_history\` (\`id\` int unsigned not null auto_increment primary key, \`member_id\` varchar(50) not null, \`from_tier\` varchar(20) null, \`to_tier\` varchar(20) not null, \`rewards\` json not null default ('[]'), \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`upgrade_history\` add index \`upgrade_history_member_id_index\` (\`member_id\`);`);

    this.addSql(`alter table \`gateway_lines\` add constraint \`gateway_lines_device_id_foreign\` foreign key (\`device_id\`) references \`gateway_devices\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`duty_schedules\` add constraint \`duty_schedules_staff_id_foreign\` foreign key (\`staff_id\`) references \`staff\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`customers\` add constraint \`customers_owner_staff_id_foreign\` foreign key (\`owner_staff_id\`) references \`staff\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`phone_call_records\` add constraint \`phone_call_records_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`phone_call_records\` add constraint \`phone_call_records_answered_by_foreign\` foreign key (\`answered_by\`) references \`staff\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`members\` add constraint \`members_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`member_visits\` add constraint \`member_visits_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`member_behavior\` add constraint \`member_behavior_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`invitations\` add constraint \`invitations_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`invitations\` add constraint \`invitations_event_id_foreign\` foreign key (\`event_id\`) references \`events\` (\`id\`);`);
    this.addSql(`alter table \`invitations\` add constraint \`invitations_approved_by_foreign\` foreign key (\`approved_by\`) references \`staff\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`follow_up_tasks\` add constraint \`follow_up_tasks_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`follow_up_tasks\` add constraint \`follow_up_tasks_assigned_to_foreign\` foreign key (\`assigned_to\`) references \`staff\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`customer_feedback\` add constraint \`customer_feedback_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`customer_contacts\` add constraint \`customer_contacts_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`customer_communications\` add constraint \`customer_communications_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`customer_communications\` add constraint \`customer_communications_contact_id_foreign\` foreign key (\`contact_id\`) references \`customer_contacts\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`customer_communications\` add constraint \`customer_communications_handled_by_foreign\` foreign key (\`handled_by\`) references \`staff\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`customer_communications\` add constraint \`customer_communications_assigned_to_foreign\` foreign key (\`assigned_to\`) references \`staff\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`caller_identifications\` add constraint \`caller_identifications_call_record_id_foreign\` foreign key (\`call_record_id\`) references \`phone_call_records\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`caller_identifications\` add constraint \`caller_identifications_matched_customer_id_foreign\` foreign key (\`matched_customer_id\`) references \`customers\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`caller_identifications\` add constraint \`caller_identifications_matched_contact_id_foreign\` foreign key (\`matched_contact_id\`) references \`customer_contacts\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`contact_history\` add constraint \`contact_history_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`contact_history\` add constraint \`contact_history_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`consents\` add constraint \`consents_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`consents\` add constraint \`consents_recorded_by_foreign\` foreign key (\`recorded_by\`) references \`staff\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`campaigns\` add constraint \`campaigns_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`campaigns\` add constraint \`campaigns_approved_by_foreign\` foreign key (\`approved_by\`) references \`staff\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`sms_batches\` add constraint \`sms_batches_template_id_foreign\` foreign key (\`template_id\`) references \`sms_templates\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`sms_batches\` add constraint \`sms_batches_campaign_id_foreign\` foreign key (\`campaign_id\`) references \`campaigns\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`sms_batches\` add constraint \`sms_batches_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`sms_batches\` add constraint \`sms_batches_approved_by_foreign\` foreign key (\`approved_by\`) references \`staff\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`sms_batch_recipients\` add constraint \`sms_batch_recipients_batch_id_foreign\` foreign key (\`batch_id\`) references \`sms_batches\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`sms_batch_recipients\` add constraint \`sms_batch_recipients_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`campaign_tracking\` add constraint \`campaign_tracking_campaign_id_foreign\` foreign key (\`campaign_id\`) references \`campaigns\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`campaign_tracking\` add constraint \`campaign_tracking_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`t_call_task\` add constraint \`t_call_task_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`t_call_task_phones\` add constraint \`t_call_task_phones_task_id_foreign\` foreign key (\`task_id\`) references \`t_call_task\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`t_call_task_devices\` add constraint \`t_call_task_devices_task_id_foreign\` foreign key (\`task_id\`) references \`t_call_task\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`t_call_task_devices\` add constraint \`t_call_task_devices_device_id_foreign\` foreign key (\`device_id\`) references \`gateway_devices\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`t_call_record\` add constraint \`t_call_record_task_id_foreign\` foreign key (\`task_id\`) references \`t_call_task\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`t_call_analysis\` add constraint \`t_call_analysis_record_id_foreign\` foreign key (\`record_id\`) references \`t_call_record\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`staff_statuses\` add constraint \`staff_statuses_staff_id_foreign\` foreign key (\`staff_id\`) references \`staff\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`upgrade_history\` add constraint \`upgrade_history_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`invitations\` drop foreign key \`invitations_event_id_foreign\`;`);
    this.addSql(`alter table \`gateway_lines\` drop foreign key \`gateway_lines_device_id_foreign\`;`);
    this.addSql(`alter table \`t_call_task_devices\` drop foreign key \`t_call_task_devices_device_id_foreign\`;`);
    this.addSql(`alter table \`sms_batches\` drop foreign key \`sms_batches_template_id_foreign\`;`);
    this.addSql(`alter table \`phone_call_records\` drop foreign key \`phone_call_records_customer_id_foreign\`;`);
    this.addSql(`alter table \`members\` drop foreign key \`members_customer_id_foreign\`;`);
    this.addSql(`alter table \`invitations\` drop foreign key \`invitations_customer_id_foreign\`;`);
    this.addSql(`alter table \`follow_up_tasks\` drop foreign key \`follow_up_tasks_customer_id_foreign\`;`);
    this.addSql(`alter table \`customer_feedback\` drop foreign key \`customer_feedback_customer_id_foreign\`;`);
    this.addSql(`alter table \`customer_contacts\` drop foreign key \`customer_contacts_customer_id_foreign\`;`);
    this.addSql(`alter table \`customer_communications\` drop foreign key \`customer_communications_customer_id_foreign\`;`);
    this.addSql(`alter table \`caller_identifications\` drop foreign key \`caller_identifications_matched_customer_id_foreign\`;`);
    this.addSql(`alter table \`contact_history\` drop foreign key \`contact_history_customer_id_foreign\`;`);
    this.addSql(`alter table \`consents\` drop foreign key \`consents_customer_id_foreign\`;`);
    this.addSql(`alter table \`sms_batch_recipients\` drop foreign key \`sms_batch_recipients_customer_id_foreign\`;`);
    this.addSql(`alter table \`caller_identifications\` drop foreign key \`caller_identifications_call_record_id_foreign\`;`);
    this.addSql(`alter table \`member_visits\` drop foreign key \`member_visits_member_id_foreign\`;`);
    this.addSql(`alter table \`member_behavior\` drop foreign key \`member_behavior_member_id_foreign\`;`);
    this.addSql(`alter table \`campaign_tracking\` drop foreign key \`campaign_tracking_member_id_foreign\`;`);
    this.addSql(`alter table \`upgrade_history\` drop foreign key \`upgrade_history_member_id_foreign\`;`);
    this.addSql(`alter table \`customer_communications\` drop foreign key \`customer_communications_contact_id_foreign\`;`);
    this.addSql(`alter table \`caller_identifications\` drop foreign key \`caller_identifications_matched_contact_id_foreign\`;`);
    this.addSql(`alter table \`sms_batches\` drop foreign key \`sms_batches_campaign_id_foreign\`;`);
    this.addSql(`alter table \`campaign_tracking\` drop foreign key \`campaign_tracking_campaign_id_foreign\`;`);
    this.addSql(`alter table \`sms_batch_recipients\` drop foreign key \`sms_batch_recipients_batch_id_foreign\`;`);
    this.addSql(`alter table \`t_call_task_phones\` drop foreign key \`t_call_task_phones_task_id_foreign\`;`);
    this.addSql(`alter table \`t_call_task_devices\` drop foreign key \`t_call_task_devices_task_id_foreign\`;`);
    this.addSql(`alter table \`t_call_record\` drop foreign key \`t_call_record_task_id_foreign\`;`);
    this.addSql(`alter table \`t_call_analysis\` drop foreign key \`t_call_analysis_record_id_foreign\`;`);

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
