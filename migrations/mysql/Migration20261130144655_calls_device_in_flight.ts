import { Migration } from '@mikro-orm/migrations';

export class Migration20261130144655_calls_device_in_flight extends Migration {

  override name = 'Migration20261130144655_calls_device_in_flight';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`calls\` add index \`calls_device_id_ended_at_index\` (\`device_id\`, \`ended_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`calls\` drop index \`calls_device_id_ended_at_index\`;`);
  }

}
