/** The HTTP statuses an error code may answer with (the README's error table lists each code). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

/**
 * What a stable error code means to every door: the HTTP status, whether a job that failed with it may
 * succeed when tried again, and optionally a default Chinese message (used when the thrower gives none)
 * and a chat reply (used instead of the message in WeCom/WeChat).
 */
export type ErrorSpec = {
  readonly status: ErrorStatus;
  readonly retryable?: boolean;
  readonly message?: string;
  readonly chat?: string;
};

/** A module's codes: `export const <MODULE>_ERRORS = { CODE: { status: 409 } } as const;` in `<module>.errors.ts`. */
export type ErrorTable = { readonly [code: string]: ErrorSpec };
