import { z } from 'zod';
import { MESSAGE_STATUSES } from './domain/message-status';

const isoDate = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((value) => new Date(value));

/** GET /messages query: every filter optional; `status` may list several, comma-separated. */
export const inboxQuerySchema = z.object({
  department: z.string().min(1).max(100).optional(),
  status: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(MESSAGE_STATUSES)))
    .optional(),
  urgency: z.enum(['normal', 'urgent']).optional(),
  /** Messages created at or after this instant (ISO 8601 date or date-time). */
  from: isoDate.optional(),
  /** Messages created before this instant. */
  to: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const assignSchema = z.object({
  /** An operator's username or the id of a person in the directory. */
  assignee: z.string().min(1).max(100),
});

export const noteSchema = z.object({ text: z.string().trim().min(1).max(4000) });

export const doneSchema = z.object({ note: z.string().trim().min(1).max(4000).optional() });

/** POST /messages: an operator takes a message for a contact (through the same port as the call flows). */
export const takeMessageSchema = z.object({
  contactId: z.uuid(),
  /** Directory id of the department or person; null or absent = reception. */
  recipientId: z.string().min(1).max(100).nullable().default(null),
  text: z.string().trim().min(1).max(8000),
  urgency: z.enum(['normal', 'urgent']).default('normal'),
  callerName: z.string().trim().min(1).max(200).optional(),
  /** Where the caller wants to be called back, when not the number they called from. */
  callbackAddress: z.string().trim().min(3).max(200).optional(),
});

export const byCallerQuerySchema = z.object({
  address: z.string().trim().min(3).max(200),
  limit: z.coerce.number().int().min(1).max(50).default(5),
});

export const previousQuerySchema = z.object({
  contactId: z.uuid(),
  limit: z.coerce.number().int().min(1).max(50).default(5),
});

export const deliveriesQuerySchema = z.object({
  status: z.enum(['pending', 'delivered', 'dead']).default('dead'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** JSON schema of a zod schema for the OpenAPI document (one source for validation and docs). */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
