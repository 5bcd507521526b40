import { z } from 'zod';
import { MESSAGE_FIELDS } from '../call-flow/call-actions';

const phone = z.string().min(3).max(64);

/** Events of the generic signed JSON webhook (docs/generic-webhook.md). */
export const genericWebhookSchema = z.discriminatedUnion('type', [
  z.object({
    /** Unique per event; a retried delivery repeats it and gets the same answer. */
    id: z.string().min(1).max(200),
    type: z.literal('call.started'),
    /** The gateway's id for the call; all later events about the call carry it. */
    callId: z.string().min(1).max(200),
    from: phone,
    to: phone,
    language: z
      .string()
      .regex(/^[a-z]{2}$/)
      .optional(),
    /** IVR digits the caller pressed, if the gateway already collected them. */
    digits: z
      .string()
      .regex(/^[0-9*#]{1,32}$/)
      .optional(),
    /** What the caller said (a speech transcript), if any. */
    speech: z.string().max(100_000).optional(),
  }),
  z.object({
    id: z.string().min(1).max(200),
    /** More input for a call already started: the caller's answer to a `gather` (clarifying question). */
    type: z.literal('call.input'),
    callId: z.string().min(1).max(200),
    /** The `field` of the `gather` answered, for a question of the voice message flow. */
    field: z.enum(MESSAGE_FIELDS).optional(),
    language: z
      .string()
      .regex(/^[a-z]{2}$/)
      .optional(),
    digits: z
      .string()
      .regex(/^[0-9*#]{1,32}$/)
      .optional(),
    speech: z.string().max(100_000).optional(),
  }),
  z.object({
    id: z.string().min(1).max(200),
    /** The customer answered a callback's outbound call (the `callId` of its `dial` action). */
    type: z.literal('call.answered'),
    callId: z.string().min(1).max(200),
  }),
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal('call.ended'),
    callId: z.string().min(1).max(200),
    reason: z.enum(['hangup', 'completed', 'failed', 'busy', 'no-answer', 'canceled']).default('hangup'),
  }),
]);

export type GenericWebhookEvent = z.infer<typeof genericWebhookSchema>;
export type CallStartedEvent = Extract<GenericWebhookEvent, { type: 'call.started' }>;
export type CallInputEvent = Extract<GenericWebhookEvent, { type: 'call.input' }>;
export type CallEndedEvent = Extract<GenericWebhookEvent, { type: 'call.ended' }>;
