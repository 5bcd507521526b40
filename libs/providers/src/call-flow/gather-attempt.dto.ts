import { z } from 'zod';

/** `?attempt=N` on a gather's report URL: 1 (absent) for the menu, 2+ for clarifying questions. */
export const gatherAttemptSchema = z.object({
  attempt: z.coerce.number().int().min(1).max(10).optional().default(1),
});
