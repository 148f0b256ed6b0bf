// Every module's error table, one line each: add `export * from '../<module>/<module>.errors.js';`.
export * from './common.errors.js';
export * from './http.errors.js';
export * from '../approvals/approvals.errors.js';
export * from '../calls/calls.errors.js';
export * from '../campaigns/campaigns.errors.js';
export * from '../call-tasks/call-tasks.errors.js';
export * from '../chat/chat.errors.js';
export * from '../compliance/compliance.errors.js';
export * from '../customers/customers.errors.js';
export * from '../events/events.errors.js';
export * from '../imports/imports.errors.js';
export * from '../members/members.errors.js';
export * from '../outreach/outreach.errors.js';
export * from '../routing/routing.errors.js';
export * from '../staff/staff.errors.js';
export * from '../tiers/tiers.errors.js';
export * from '../todos/todos.errors.js';
