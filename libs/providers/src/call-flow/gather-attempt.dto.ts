import { z } from 'zod';
import { MESSAGE_FIELDS } from './call-actions';

/** `?attempt=N` on a gather's report URL: 1 (absent) for the menu, 2+ for clarifying questions. */
export const gatherAttemptSchema = z.object({
  attempt: z.coerce.number().int().min(1).max(10).optional().default(1),
});

/** `?field=...` on a message gather's report URL: which answer of the voice message flow it carries. */
export const messageFieldSchema = z.object({ field: z.enum(MESSAGE_FIELDS) });
