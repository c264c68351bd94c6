/** The largest request body either door reads (REST and GraphQL alike); larger ones are 413. */
export const MAX_BODY_BYTES = 1024 * 1024;
