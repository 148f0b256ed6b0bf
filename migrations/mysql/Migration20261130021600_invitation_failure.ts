import { Migration } from '@mikro-orm/migrations';

export class Migration20261130021600_invitation_failure extends Migration {

  override name = 'Migration20261130021600_invitation_failure';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`invitations\` add \`failure_reason\` varchar(64) null, add \`failed_at\` datetime null;`);
    this.addSql(`alter table \`invitations\` modify \`status\` enum('draft','pending_approval','approved','rejected','sent','failed','opened','accepted','declined','expired') not null default 'draft';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`invitations\` drop column \`failure_reason\`, drop column \`failed_at\`;`);
    this.addSql(`alter table \`invitations\` modify \`status\` enum('draft','pending_approval','approved','rejected','sent','opened','accepted','declined','expired') not null default 'draft';`);
  }

}
