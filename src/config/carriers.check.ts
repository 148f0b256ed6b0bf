/**
 * Production never pretends: with NODE_ENV=production every outreach channel needs a real carrier — SMS
 * through Tencent Cloud SMS, calls through FreeSWITCH or Tencent voice messages — unless
 * OUTREACH_DRY_RUN=true says explicitly that sends are to be recorded, not made. Reads the raw settings
 * of several sections, so it runs after each section's own checks.
 */
export function productionCarrierProblems(env: Record<string, unknown>): string[] {
  if (env.NODE_ENV !== 'production' || env.OUTREACH_DRY_RUN === 'true') return [];
  const problems: string[] = [];
  const tencentKey = Boolean(env.TENCENTCLOUD_SECRET_ID && env.TENCENTCLOUD_SECRET_KEY);
  const sms = tencentKey && Boolean(env.TENCENT_SMS_SDK_APP_ID && env.TENCENT_SMS_SIGN_NAME);
  const voice = Boolean(env.FREESWITCH_ESL_HOST) || (tencentKey && Boolean(env.TENCENT_VMS_SDK_APP_ID && env.TENCENT_VMS_TEMPLATE_ID));
  if (!sms) {
    problems.push('TENCENT_SMS_SDK_APP_ID: NODE_ENV=production needs an SMS carrier (TENCENTCLOUD_SECRET_ID/_KEY, TENCENT_SMS_SDK_APP_ID, TENCENT_SMS_SIGN_NAME), or OUTREACH_DRY_RUN=true to record SMS without sending them');
  }
  if (!voice) {
    problems.push('FREESWITCH_ESL_HOST: NODE_ENV=production needs a voice carrier for outreach calls (FreeSWITCH, or TENCENT_VMS_SDK_APP_ID and TENCENT_VMS_TEMPLATE_ID), or OUTREACH_DRY_RUN=true to record calls without placing them');
  }
  return problems;
}
