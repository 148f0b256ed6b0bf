import { Migration } from '@mikro-orm/migrations';

export class Migration20261130021109_one_call_model extends Migration {

  override name = 'Migration20261130021109_one_call_model';

  override up(): void | Promise<void> {
    this.addSql(`create table \`calls\` (\`id\` int unsigned not null auto_increment primary key, \`uuid\` varchar(64) not null, \`direction\` enum('inbound','outbound') not null default 'inbound', \`source\` enum('400','outreach','task') not null default '400', \`task_id\` int unsigned null, \`task_phone_id\` int unsigned null, \`attempt\` int null, \`device_id\` int null, \`caller\` varchar(20) null, \`caller_last8\` varchar(8) null, \`callee\` varchar(20) not null, \`callee_last8\` varchar(8) not null, \`customer_id\` varchar(64) null, \`answered_by\` int unsigned null, \`ivr_choice\` varchar(8) null, \`script_id\` varchar(50) null, \`started_at\` datetime not null, \`answered_at\` datetime null, \`ended_at\` datetime null, \`duration\` int not null default 0, \`outcome\` enum('answered','busy','no_answer','rejected','invalid','line_failed','abandoned','missed','voicemail','failed','unknown') null, \`recording_path\` varchar(500) null, \`recording_url\` varchar(500) null, \`voicemail\` tinyint(1) not null default false, \`hangup_cause\` varchar(64) null, \`error_message\` text null, \`dry_run\` tinyint(1) not null default false, \`analysis_status\` enum('PENDING','PROCESSING','COMPLETED','FAILED') null, \`analysis_error\` varchar(255) null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`calls\` add unique \`calls_uuid_unique\` (\`uuid\`);`);
    this.addSql(`alter table \`calls\` add index \`calls_source_index\` (\`source\`);`);
    this.addSql(`alter table \`calls\` add index \`calls_task_id_index\` (\`task_id\`);`);
    this.addSql(`alter table \`calls\` add index \`calls_task_phone_id_index\` (\`task_phone_id\`);`);
    this.addSql(`alter table \`calls\` add index \`calls_caller_last8_index\` (\`caller_last8\`);`);
    this.addSql(`alter table \`calls\` add index \`calls_callee_last8_index\` (\`callee_last8\`);`);
    this.addSql(`alter table \`calls\` add index \`calls_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`calls\` add index \`calls_answered_by_index\` (\`answered_by\`);`);
    this.addSql(`alter table \`calls\` add index \`calls_started_at_index\` (\`started_at\`);`);
    this.addSql(`alter table \`calls\` add index \`calls_analysis_status_index\` (\`analysis_status\`);`);
    this.addSql(`alter table \`calls\` add index \`calls_callee_last8_started_at_index\` (\`callee_last8\`, \`started_at\`);`);

    // Data: every row of the three old tables moves into `calls`. 400 calls keep their ids (recording links
    // and communication records point at them); outreach and task calls get new ids, task calls keep their
    // analysis through their uuid.
    this.addSql(`insert into \`calls\` (\`id\`, \`uuid\`, \`direction\`, \`source\`, \`caller\`, \`caller_last8\`, \`callee\`, \`callee_last8\`, \`customer_id\`, \`answered_by\`, \`ivr_choice\`, \`started_at\`, \`answered_at\`, \`ended_at\`, \`duration\`, \`outcome\`, \`recording_path\`, \`voicemail\`, \`hangup_cause\`, \`analysis_status\`, \`analysis_error\`, \`created_at\`, \`updated_at\`)
      select \`id\`, \`uuid\`, \`direction\`, '400', \`caller\`, \`caller_last8\`, \`callee\`, \`callee_last8\`, \`customer_id\`, \`answered_by\`, \`ivr_choice\`, \`started_at\`, \`answered_at\`, \`ended_at\`, \`duration\`,
        case when \`ended_at\` is null then null when \`answered_at\` is not null then 'answered' when \`voicemail\` then 'voicemail' else 'missed' end,
        \`recording_path\`, \`voicemail\`, \`hangup_cause\`, \`analysis_status\`, \`analysis_error\`, \`created_at\`, \`updated_at\`
      from \`phone_call_records\` order by \`id\`;`);
    this.addSql(`insert into \`calls\` (\`uuid\`, \`direction\`, \`source\`, \`callee\`, \`callee_last8\`, \`script_id\`, \`started_at\`, \`answered_at\`, \`ended_at\`, \`duration\`, \`outcome\`, \`recording_url\`, \`error_message\`, \`dry_run\`, \`created_at\`, \`updated_at\`)
      select \`call_id\`, 'outbound', 'outreach', \`phone_number\`, \`phone_number_last8\`, \`script_id\`, coalesce(\`started_at\`, \`created_at\`),
        case when \`status\` in ('answered', 'completed') then coalesce(\`started_at\`, \`created_at\`) else null end,
        \`ended_at\`, \`duration\`,
        case \`status\` when 'completed' then 'answered' when 'busy' then 'busy' when 'no_answer' then 'no_answer' when 'failed' then 'failed' else null end,
        \`recording_url\`, \`error_message\`, \`dry_run\`, \`created_at\`, \`updated_at\`
      from \`call_logs\` order by \`id\`;`);
    this.addSql(`insert into \`calls\` (\`uuid\`, \`direction\`, \`source\`, \`task_id\`, \`callee\`, \`callee_last8\`, \`started_at\`, \`answered_at\`, \`ended_at\`, \`duration\`, \`outcome\`, \`recording_path\`, \`hangup_cause\`, \`analysis_status\`, \`created_at\`, \`updated_at\`)
      select coalesce(\`call_uuid\`, concat('t_call_record-', \`id\`)), 'outbound', 'task', \`task_id\`, \`phone\`, \`phone_last8\`, \`start_time\`,
        case when \`duration\` > 0 then \`start_time\` else null end, \`end_time\`, \`duration\`,
        case when \`end_time\` is null then null when \`duration\` > 0 then 'answered' else 'failed' end,
        \`recording_path\`, \`hangup_cause\`, \`analysis_status\`, \`created_at\`, \`updated_at\`
      from \`t_call_record\` order by \`id\`;`);

    this.addSql(`alter table \`caller_identifications\` drop foreign key \`caller_identifications_call_record_id_foreign\`;`);
    this.addSql(`alter table \`caller_identifications\` add constraint \`caller_identifications_call_record_id_foreign\` foreign key (\`call_record_id\`) references \`calls\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`t_call_analysis\` drop foreign key \`t_call_analysis_record_id_foreign\`;`);
    this.addSql(`update \`t_call_analysis\` set \`record_id\` = (select \`c\`.\`id\` from \`t_call_record\` \`r\` join \`calls\` \`c\` on \`c\`.\`uuid\` = coalesce(\`r\`.\`call_uuid\`, concat('t_call_record-', \`r\`.\`id\`)) where \`r\`.\`id\` = \`t_call_analysis\`.\`record_id\`);`);
    // Seed 004 asks for a 0-1 intention score; the old column held 0-100.
    this.addSql(`alter table \`t_call_analysis\` modify \`intention_score\` double null;`);
    this.addSql(`update \`t_call_analysis\` set \`intention_score\` = \`intention_score\` / 100 where \`intention_score\` > 1;`);
    this.addSql(`alter table \`t_call_analysis\` add constraint \`t_call_analysis_record_id_foreign\` foreign key (\`record_id\`) references \`calls\` (\`id\`) on delete cascade;`);

    this.addSql(`drop table if exists \`call_logs\`;`);
    this.addSql(`drop table if exists \`phone_call_records\`;`);
    this.addSql(`drop table if exists \`t_call_record\`;`);

    this.addSql(`alter table \`calls\` add constraint \`calls_task_id_foreign\` foreign key (\`task_id\`) references \`t_call_task\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`calls\` add constraint \`calls_task_phone_id_foreign\` foreign key (\`task_phone_id\`) references \`t_call_task_phones\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`calls\` add constraint \`calls_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`calls\` add constraint \`calls_answered_by_foreign\` foreign key (\`answered_by\`) references \`staff\` (\`id\`) on delete set null;`);

    // The seeds' names stay readable: views with the seeds' columns over the one table (read-only).
    this.addSql(`create view \`phone_call_records\` as select \`id\`, \`uuid\`, \`direction\`, \`caller\`, \`caller_last8\`, \`callee\`, \`callee_last8\`, \`customer_id\`, \`answered_by\`, \`ivr_choice\`, \`started_at\`, \`answered_at\`, \`ended_at\`, \`duration\`, \`recording_path\`, \`voicemail\`, \`hangup_cause\`, \`analysis_status\`, \`analysis_error\`, \`created_at\`, \`updated_at\` from \`calls\` where \`source\` = '400';`);
    this.addSql(`create view \`call_logs\` as select \`id\`, \`uuid\` as \`call_id\`, \`callee\` as \`phone_number\`, \`callee_last8\` as \`phone_number_last8\`, \`script_id\`,
      case when \`outcome\` is null then (case when \`answered_at\` is null then 'initiated' else 'answered' end) when \`outcome\` = 'answered' then 'completed' when \`outcome\` = 'busy' then 'busy' when \`outcome\` in ('no_answer', 'missed') then 'no_answer' else 'failed' end as \`status\`,
      \`duration\`, \`recording_url\`, \`started_at\`, \`ended_at\`, \`error_message\`, \`dry_run\`, \`created_at\`, \`updated_at\` from \`calls\` where \`source\` = 'outreach';`);
    this.addSql(`create view \`t_call_record\` as select \`id\`, \`task_id\`, \`attempt\`, \`uuid\` as \`call_uuid\`, \`callee\` as \`phone_number\`, \`started_at\` as \`start_time\`, \`ended_at\` as \`end_time\`, \`duration\`, \`outcome\`, \`hangup_cause\`, \`recording_path\`, \`analysis_status\`, \`created_at\`, \`updated_at\` from \`calls\` where \`source\` = 'task';`);
  }

  override down(): void | Promise<void> {
    throw new Error('one-call-model is not reversible: restore the backup taken before migrating');
  }

}
