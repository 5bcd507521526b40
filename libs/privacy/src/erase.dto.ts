import { z } from 'zod';

/** POST /admin/privacy/erase: the caller's address as it arrived (E.164 number, or `webchat:<id>`). */
export const eraseRequestSchema = z.strictObject({
  address: z
    .string()
    .trim()
    .min(3)
    .max(200)
    .refine((value) => value !== 'erased', 'already the placeholder of erased data'),
});

export type EraseRequest = z.infer<typeof eraseRequestSchema>;
