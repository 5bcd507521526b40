import { z } from 'zod';

const isoDate = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((value) => new Date(value));

/** GET /admin/audit query. `action` is exact, or a prefix when it ends with `*` (`user.*`). */
export const auditQuerySchema = z.object({
  actor: z.string().trim().min(1).max(100).optional(),
  action: z
    .string()
    .trim()
    .regex(/^[a-z0-9_.-]+\*?$/, 'letters, digits, . _ - and an optional trailing *')
    .max(100)
    .optional(),
  target: z.string().trim().min(1).max(200).optional(),
  /** Entries at or after this instant (ISO 8601 date or date-time). */
  from: isoDate.optional(),
  /** Entries before this instant. */
  to: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** The shape AuditService.record accepts, checked before anything is written. */
export const auditRecordSchema = z.object({
  action: z.string().regex(/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/, 'a dotted lower-case verb such as user.create'),
  target: z.string().min(1).max(200).nullable().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
