import { z } from 'zod';

/**
 * The query of a callback's outbound call report URL (Twilio's status callback, Vonage's event_url):
 * which contact and which attempt it reports on, so a report about an earlier attempt changes nothing.
 */
export const callbackReportQuerySchema = z.object({
  contactId: z.uuid(),
  attempt: z.coerce.number().int().positive(),
});
