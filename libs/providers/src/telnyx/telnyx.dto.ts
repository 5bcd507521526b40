import { z } from 'zod';

/** A Telnyx Call Control v2 webhook: `{ data: { id, event_type, payload } }`. */
export const telnyxWebhookSchema = z.object({
  data: z.object({
    /** Unique per event: the idempotency key of the delivery. */
    id: z.string().min(1).max(200),
    event_type: z.string().min(1).max(100),
    occurred_at: z.string().max(64).optional(),
    payload: z.object({
      call_control_id: z.string().min(1).max(300),
      call_session_id: z.string().max(300).optional(),
      /** The Call Control application (connection) of the call: which account it belongs to. */
      connection_id: z.string().max(300).optional(),
      client_state: z.string().max(4000).nullish(),
      from: z.coerce.string().max(256).default(''),
      to: z.coerce.string().max(256).default(''),
      direction: z.string().max(32).optional(),
      digits: z
        .string()
        .regex(/^[0-9*#]{0,32}$/, 'digits, * and #')
        .nullish(),
      status: z.string().max(64).optional(),
      hangup_cause: z.string().max(64).optional(),
      /** `call.transcription`: one recognised utterance of the caller (real-time transcription). */
      transcription_data: z
        .object({
          transcript: z.string().max(5000).default(''),
          is_final: z.boolean().optional(),
          confidence: z.coerce.number().optional(),
        })
        .optional(),
    }),
  }),
  /** Telnyx's delivery attempt of this event (1, then 2... when it retries after a failure). */
  meta: z
    .object({ attempt: z.coerce.number().int().min(1).optional() })
    .partial()
    .optional(),
});

export type TelnyxWebhook = z.infer<typeof telnyxWebhookSchema>;
