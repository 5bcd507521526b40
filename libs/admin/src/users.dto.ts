import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9_-]{1,64}$/, 'lower-case id');
const language = z.string().regex(/^[a-z]{2}$/, 'a two-letter language code');
const password = z.string().min(10, 'at least 10 characters').max(256);

/** The fields an admin sets on a user (front-office file names, so both read alike). */
const profile = {
  displayName: z.string().trim().min(1).max(200),
  role: z.enum(['operator', 'supervisor', 'admin']),
  /** Skill id -> level 1..10 (10 best). */
  skills: z.record(id, z.number().int().min(1).max(10)),
  languages: z.array(language).min(1),
  team: id.nullable(),
  endpoint: z.string().trim().min(1).max(500).nullable(),
  capacity: z.object({ voice: z.number().int().min(0).max(1), chat: z.number().int().min(0).max(20) }),
  active: z.boolean(),
};

/** POST /admin/users. */
export const createUserSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9._-]{2,64}$/, 'lowercase username, 2-64 of a-z 0-9 . _ -'),
  password: password.optional(),
  ...profile,
  role: profile.role.default('operator'),
  skills: profile.skills.default({}),
  team: profile.team.default(null),
  endpoint: profile.endpoint.default(null),
  capacity: profile.capacity.default({ voice: 1, chat: 3 }),
  active: profile.active.default(true),
});

/** PATCH /admin/users/:username: any subset; `active: false` disables (and logs the user out). */
export const updateUserSchema = z
  .strictObject({
    ...profile,
    capacity: z.object({
      voice: profile.capacity.shape.voice.optional(),
      chat: profile.capacity.shape.chat.optional(),
    }),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change');

/** POST /admin/users/:username/password. */
export const setPasswordSchema = z.strictObject({ password });

export const usernameSchema = z.string().regex(/^[a-z0-9._-]{2,64}$/, 'lowercase username');

export type CreateUserDto = z.infer<typeof createUserSchema>;
export type UpdateUserDto = z.infer<typeof updateUserSchema>;
