import { z } from 'zod';
import { callbackReportQuerySchema } from '../call-flow/callback-report.dto';

/** Twilio posts form fields; only those centralino reads are validated, the rest are ignored. */
const callSid = z.string().regex(/^CA[0-9a-zA-Z]{8,64}$/, 'a Twilio call SID (CA...)');
const address = z.string().max(256).default('');

export const twilioCallSchema = z.object({
  CallSid: callSid,
  From: address,
  To: address,
  CallStatus: z.string().max(32).optional(),
});

export const twilioGatherSchema = twilioCallSchema.extend({
  Digits: z
    .string()
    .regex(/^[0-9*#]{0,32}$/, 'digits, * and #')
    .optional()
    .transform((value) => value || undefined),
  SpeechResult: z
    .string()
    .max(5000)
    .optional()
    .transform((value) => value?.trim() || undefined),
  Confidence: z.coerce.number().min(0).max(1).optional(),
});

/** `<Enqueue action>`: why the caller left the queue. */
export const twilioQueueResultSchema = twilioCallSchema.extend({
  QueueResult: z.string().min(1).max(64),
  QueueTime: z.coerce.number().int().min(0).optional(),
});

/** Status callback of the call (configured on the number as "Call status changes"). */
export const twilioStatusSchema = twilioCallSchema.extend({
  CallStatus: z.string().min(1).max(32),
  SequenceNumber: z.string().max(16).optional(),
});

export const twilioDialResultSchema = twilioCallSchema.extend({
  DialCallStatus: z.string().max(32).optional(),
});

/** Final call statuses: the caller is gone. */
export const TWILIO_FINAL_STATUSES = new Set(['completed', 'busy', 'no-answer', 'canceled', 'failed']);

/** `<Enqueue action>` results that mean the caller left while still waiting. */
export const TWILIO_LEFT_QUEUE_RESULTS = new Set([
  'hangup',
  'queue-full',
  'error',
  'system-error',
  'system-shutdown',
  'leave',
]);

/** An incoming SMS (or MMS) from Twilio Messaging; media and other fields are ignored. */
export const twilioMessageSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-zA-Z]{8,64}$/, 'a Twilio message SID (SM... or MM...)'),
  From: z.string().min(1).max(256),
  To: z.string().min(1).max(256),
  // Triage reads at most the first 2,000 characters; a longer body is accepted, not refused.
  Body: z.string().max(100_000).default(''),
});

/** The query of a callback's outbound status callback: which contact and which attempt it reports on. */
export const twilioCallbackQuerySchema = callbackReportQuerySchema;
