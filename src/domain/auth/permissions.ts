import type { StaffRole } from '../staff/staff.entity.js';

/**
 * Every permission string the product checks (each one by at least one route, command or domain service;
 * test/platform/permissions.test.ts keeps it so). Seed 004's lead:call:* strings are kept verbatim.
 */
export const PERMISSIONS = [
  'lead:call:create',
  'lead:call:list',
  'lead:call:view',
  'lead:call:edit',
  'lead:call:control',
  'lead:call:cancel',
  'lead:call:record:list',
  'lead:call:record:view',
  'lead:call:record:download',
  'outreach:script:generate',
  'outreach:sms:send',
  'outreach:sms:batch',
  'outreach:template:manage',
  'outreach:call',
  'outreach:feedback:write',
  'outreach:invitation:create',
  'outreach:invitation:approve',
  'outreach:history:view',
  'customer:view',
  'customer:create',
  'customer:edit',
  'customer:merge',
  'customer:phone:view',
  'event:edit',
  'member:edit',
  'consent:view',
  'consent:record',
  'consent:export',
  'import:run',
  'customer:segment:view',
  'customer:tags:write',
  'customer:campaign:create',
  'customer:campaign:approve',
  'customer:upgrade:evaluate',
  'customer:upgrade:execute',
  'sales:status:set',
  'sales:status:view',
  'telephony:calls:view',
  'telephony:rules:manage',
  'todo:manage',
  'jobs:view',
  'staff:manage',
  'audit:view',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const SALES: Permission[] = [
  'lead:call:create',
  'lead:call:list',
  'lead:call:view',
  'lead:call:control',
  'lead:call:cancel',
  'lead:call:record:list',
  'lead:call:record:view',
  'lead:call:record:download',
  'outreach:script:generate',
  'outreach:sms:send',
  'outreach:call',
  'outreach:feedback:write',
  'outreach:invitation:create',
  'outreach:history:view',
  'customer:view',
  'customer:create',
  'consent:view',
  'consent:record',
  'customer:upgrade:evaluate',
  'sales:status:set',
  'sales:status:view',
  'telephony:calls:view',
];

const DUTY: Permission[] = [
  'lead:call:record:list',
  'lead:call:record:view',
  'lead:call:record:download',
  'outreach:feedback:write',
  'outreach:history:view',
  'customer:view',
  'consent:view',
  'sales:status:set',
  'sales:status:view',
  'telephony:calls:view',
];

const MANAGER: Permission[] = [
  ...SALES,
  'lead:call:edit',
  'outreach:sms:batch',
  'outreach:template:manage',
  'outreach:invitation:approve',
  'customer:edit',
  'customer:merge',
  'customer:phone:view',
  'event:edit',
  'member:edit',
  'consent:export',
  'import:run',
  'customer:segment:view',
  'customer:tags:write',
  'customer:campaign:create',
  'customer:campaign:approve',
  'customer:upgrade:execute',
  'telephony:rules:manage',
  'todo:manage',
  'jobs:view',
  'audit:view',
];

/**
 * The role → permission map a new installation starts with; the migration writes it into
 * role_permissions, where an admin can change it.
 */
export const DEFAULT_ROLE_PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
  sales: SALES,
  duty: DUTY,
  manager: MANAGER,
  admin: PERMISSIONS,
};

export const ROLE_NAMES: Record<StaffRole, string> = {
  sales: '销售',
  manager: '经理',
  admin: '管理员',
  duty: '值班人员',
};
