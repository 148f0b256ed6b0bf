export const IMPORTS_ERRORS = {
  IMPORT_NOT_FOUND: { status: 404 },
  /** The upload is not a CSV or XLSX file, has no file part, or is over IMPORT_MAX_MB. */
  IMPORT_FILE_INVALID: { status: 422 },
  IMPORT_FILE_TOO_LARGE: { status: 413 },
} as const;
