// Bodies of the account routes: sign-in, users, API keys.
import { z } from 'zod';
import { rowIdSchema, storableString } from './text';

export const ROLE_VALUES = ['viewer', 'annotator', 'admin'] as const;
const role = z.enum(ROLE_VALUES, { error: `must be one of ${ROLE_VALUES.join(', ')}` });
export const MIN_PASSWORD = 10;
const password = z
  .string({ error: 'must be a string' })
  .min(MIN_PASSWORD, `must have at least ${MIN_PASSWORD} characters`)
  .max(1000, 'must be at most 1000 characters');

export const loginBodySchema = z.object({
  username: storableString({ error: 'is required' }).min(1, 'is required').max(100, 'must be at most 100 characters'),
  password: z.string({ error: 'is required' }).min(1, 'is required').max(1000, 'must be at most 1000 characters'),
});

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export const newUserBodySchema = z.object({
  username: storableString({ error: 'is required' }).regex(
    USERNAME_PATTERN,
    'must be 1..63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
  ),
  name: storableString().max(200, 'must be at most 200 characters').nullish(),
  role,
  /** Absent: the server draws one and shows it once. */
  password: password.optional(),
});

export const userChangeBodySchema = z
  .object({
    name: storableString().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
    role: role.optional(),
    disabled: z.boolean({ error: 'must be true or false' }).optional(),
    password: password.optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'must change something: name, role, disabled or password' });

/** What an API key may do (docs/api.md, "API keys"): chosen when it is made. */
export const KEY_SCOPE_VALUES = ['ingest', 'read', 'label', 'full'] as const;
export type KeyScope = (typeof KEY_SCOPE_VALUES)[number];
export const keyScopeSchema = z.enum(KEY_SCOPE_VALUES, { error: `must be one of ${KEY_SCOPE_VALUES.join(', ')}` });

export const newApiKeyBodySchema = z.object({
  name: storableString({ error: 'is required' }).trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  /** Whose key it is (the key acts with that person's role); absent: the caller's. */
  user_id: rowIdSchema('must be a user id', 'is not a user id').optional(),
  /** Absent: full (the owner's role). */
  scope: keyScopeSchema.default('full'),
});
