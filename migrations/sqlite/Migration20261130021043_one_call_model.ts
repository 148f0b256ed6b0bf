import { Migration } from '@mikro-orm/migrations';

export class Migration20261130021043_one_call_model extends Migration {

  override name = 'Migration20261130021043_one_call_model';

  override up(): void | Promise<void> {
    this.addSql(`create table \`calls\` (\`id\` integer not null primary key autoincrement, \`uuid\` text not null, \`direction\` text check (\`direction\` in ('inbound', 'outbound')) not null default 'inbound', \`source\` text check (\`source\` in ('400', 'outreach', 'task')) not null default '400', \`task_id\` integer null, \`task_phone_id\` integer null, \`attempt\` integer null, \`device_id\` integer null, \`caller\` text null, \`caller_last8\` text null, \`callee\` text not null, \`callee_last8\` text not null, \`customer_id\` text null, \`answered_by\` integer null, \`ivr_choice\` text null, \`script_id\` text null, \`started_at\` datetime not null, \`answered_at\` datetime null, \`ended_at\` datetime null, \`duration\` integer not null default 0, \`outcome\` text check (\`outcome\` in ('answered', 'busy', 'no_answer', 'rejected', 'invalid', 'line_failed', 'abandoned', 'missed', 'voicemail', 'failed', 'unknown')) null, \`recording_path\` text null, \`recording_url\` text null, \`voicemail\` integer not null default false, \`hangup_cause\` text null, \`error_message\` text null, \`dry_run\` integer not null default false, \`analysis_status\` text check (\`analysis_status\` in ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED')) null, \`analysis_error\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`calls_task_id_foreign\` foreign key (\`task_id\`) references \`t_call_task\` (\`id\`) on delete set null, constraint \`calls_task_phone_id_foreign\` foreign key (\`task_phone_id\`) references \`t_call_task_phones\` (\`id\`) on delete set null, constraint \`calls_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null, constraint \`calls_answered_by_foreign\` foreign key (\`answered_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create unique index \`calls_uuid_unique\` on \`calls\` (\`uuid\`);`);
    this.addSql(`create index \`calls_source_index\` on \`calls\` (\`source\`);`);
    this.addSql(`create index \`calls_task_id_index\` on \`calls\` (\`task_id\`);`);
    this.addSql(`create index \`calls_task_phone_id_index\` on \`calls\` (\`task_phone_id\`);`);
    this.addSql(`create index \`calls_caller_last8_index\` on \`calls\` (\`caller_last8\`);`);
    this.addSql(`create index \`calls_callee_last8_index\` on \`calls\` (\`callee_last8\`);`);
    this.addSql(`create index \`calls_customer_id_index\` on \`calls\` (\`customer_id\`);`);
    this.addSql(`create index \`calls_answered_by_index\` on \`calls\` (\`answered_by\`);`);
    this.addSql(`create index \`calls_started_at_index\` on \`calls\` (\`started_at\`);`);
    this.addSql(`create index \`calls_analysis_status_index\` on \`calls\` (\`analysis_status\`);`);
    this.addSql(`create index \`calls_callee_last8_started_at_index\` on \`calls\` (\`callee_last8\`, \`started_at\`);`);

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
      select coalesce(\`call_uuid\`, 't_call_record-' || \`id\`), 'outbound', 'task', \`task_id\`, \`phone\`, \`phone_last8\`, \`start_time\`,
        case when \`duration\` > 0 then \`start_time\` else null end, \`end_time\`, \`duration\`,
        case when \`end_time\` is null then null when \`duration\` > 0 then 'answered' else 'failed' end,
        \`recording_path\`, \`hangup_cause\`, \`analysis_status\`, \`created_at\`, \`updated_at\`
      from \`t_call_record\` order by \`id\`;`);




    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`caller_identifications__temp_alter\` (\`id\` integer not null primary key autoincrement, \`call_record_id\` integer null, \`caller_number\` text not null, \`caller_number_last8\` text not null, \`match_kind\` text check (\`match_kind\` in ('exact', 'last8', 'none')) not null default 'none', \`matched_customer_id\` text null, \`matched_contact_id\` integer null, \`match_confidence\` numeric(3,2) null, \`company_name\` text null, \`contact_name\` text null, \`department\` text null, \`position\` text null, \`customer_level\` text null, \`identified_at\` datetime not null, constraint \`caller_identifications_call_record_id_foreign\` foreign key (\`call_record_id\`) references \`calls\` (\`id\`) on delete cascade, constraint \`caller_identifications_matched_customer_id_foreign\` foreign key (\`matched_customer_id\`) references \`customers\` (\`id\`) on delete set null, constraint \`caller_identifications_matched_contact_id_foreign\` foreign key (\`matched_contact_id\`) references \`customer_contacts\` (\`id\`) on delete set null);`);
    this.addSql(`insert into \`caller_identifications__temp_alter\` select \`id\`, \`call_record_id\`, \`caller_number\`, \`caller_number_last8\`, \`match_kind\`, \`matched_customer_id\`, \`matched_contact_id\`, \`match_confidence\`, \`company_name\`, \`contact_name\`, \`department\`, \`position\`, \`customer_level\`, \`identified_at\` from \`caller_identifications\`;`);
    this.addSql(`drop table \`caller_identifications\`;`);
    this.addSql(`alter table \`caller_identifications__temp_alter\` rename to \`caller_identifications\`;`);
    this.addSql(`create index \`caller_identifications_call_record_id_index\` on \`caller_identifications\` (\`call_record_id\`);`);
    this.addSql(`create index \`caller_identifications_caller_number_last8_index\` on \`caller_identifications\` (\`caller_number_last8\`);`);
    this.addSql(`create index \`caller_identifications_matched_customer_id_index\` on \`caller_identifications\` (\`matched_customer_id\`);`);
    this.addSql(`create index \`caller_identifications_matched_contact_id_index\` on \`caller_identifications\` (\`matched_contact_id\`);`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`t_call_analysis__temp_alter\` (\`id\` integer not null primary key autoincrement, \`record_id\` integer not null, \`sentiment\` text check (\`sentiment\` in ('POSITIVE', 'NEUTRAL', 'NEGATIVE')) null, \`keywords\` json not null default '[]', \`intention\` text null, \`intention_score\` double null, \`summary\` text null, \`transcription\` text null, \`failure_reason\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`t_call_analysis_record_id_foreign\` foreign key (\`record_id\`) references \`calls\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`t_call_analysis__temp_alter\` select \`a\`.\`id\`, (select \`c\`.\`id\` from \`t_call_record\` \`r\` join \`calls\` \`c\` on \`c\`.\`uuid\` = coalesce(\`r\`.\`call_uuid\`, 't_call_record-' || \`r\`.\`id\`) where \`r\`.\`id\` = \`a\`.\`record_id\`), \`sentiment\`, \`keywords\`, \`intention\`, case when \`intention_score\` > 1 then \`intention_score\` / 100.0 else \`intention_score\` end, \`summary\`, \`transcription\`, \`failure_reason\`, \`created_at\`, \`updated_at\` from \`t_call_analysis\` \`a\`;`);
    this.addSql(`drop table \`t_call_analysis\`;`);
    this.addSql(`alter table \`t_call_analysis__temp_alter\` rename to \`t_call_analysis\`;`);
    this.addSql(`create unique index \`t_call_analysis_record_id_unique\` on \`t_call_analysis\` (\`record_id\`);`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`drop table if exists \`call_logs\`;`);
    this.addSql(`drop table if exists \`phone_call_records\`;`);
    this.addSql(`drop table if exists \`t_call_record\`;`);

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
