/**
 * WeCom's web sign-in (OAuth2 for a self-built app's pages): the member a one-time code from WeCom's
 * authorize redirect stands for. Failures come back as values, never as thrown vendor errors.
 */
export interface WecomSignIn {
  /**
   * The member's WeCom user id, or `{ ok: false, code }`: WECOM_CODE_INVALID (bad, used or expired code),
   * WECOM_NOT_MEMBER (someone outside the corp), WECOM_SIGN_IN_UNAVAILABLE (unreachable, credentials
   * refused, or the redirect domain is not the app's trusted domain).
   */
  memberByCode(code: string): Promise<WecomSignInResult>;
}

export type WecomSignInResult =
  | { ok: true; userId: string }
  | { ok: false; code: 'WECOM_CODE_INVALID' | 'WECOM_NOT_MEMBER' | 'WECOM_SIGN_IN_UNAVAILABLE'; message: string };
