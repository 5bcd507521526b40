import { z } from 'zod';

/** Validates a TakenMessage at the port: whoever hands a message over gets a clear error, not a bad row. */
export const takenMessageSchema = z.object({
  contactId: z.uuid(),
  source: z.enum(['operator', 'voice', 'chat', 'out_of_hours', 'overflow']),
  recipientId: z.string().min(1).max(100).nullable(),
  callerAddress: z.string().min(1).max(200),
  callerName: z.string().max(200).optional(),
  callbackAddress: z.string().max(200).optional(),
  problemType: z.string().max(100).nullable(),
  language: z.string().max(10).nullable(),
  text: z.string().trim().min(1).max(8000),
  urgency: z.enum(['normal', 'urgent']),
  takenBy: z.string().max(100).optional(),
  takenAt: z.date(),
});
