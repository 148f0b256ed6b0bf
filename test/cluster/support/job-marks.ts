/** The job kind the cluster test's app processes define (support/app-process.main.ts): it marks its sequence number once. */
export const MARK_JOB = 'cluster-test.mark';
