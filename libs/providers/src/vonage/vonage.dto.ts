import { z } from 'zod';

const uuid = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[0-9A-Za-z_-]+$/, 'a Vonage call uuid');
const address = z.coerce.string().max(256).default('');

/** Answer webhook (GET query or POST JSON). */
export const vonageAnswerSchema = z.object({
  uuid,
  conversation_uuid: z.string().max(128).optional(),
  from: address,
  to: address,
});

/** `input` action result (eventUrl of the menu). */
export const vonageInputSchema = z.object({
  uuid,
  conversation_uuid: z.string().max(128).optional(),
  from: address,
  to: address,
  dtmf: z
    .object({
      digits: z
        .string()
        .regex(/^[0-9*#]{0,32}$/, 'digits, * and #')
        .optional(),
      timed_out: z.boolean().optional(),
    })
    .optional(),
  speech: z
    .object({
      results: z
        .array(z.object({ text: z.string().max(5000), confidence: z.coerce.number().optional() }))
        .optional(),
      timeout_reason: z.string().optional(),
    })
    .optional(),
});

/** Event webhook: call status changes. */
export const vonageEventSchema = z.object({
  uuid,
  status: z.string().min(1).max(32),
  timestamp: z.string().max(64).optional(),
  conversation_uuid: z.string().max(128).optional(),
  from: address,
  to: address,
});

/** Statuses after which the caller is gone. */
export const VONAGE_FINAL_STATUSES = new Set([
  'completed',
  'busy',
  'cancelled',
  'failed',
  'rejected',
  'timeout',
  'unanswered',
]);
