import { z } from 'zod';
import { fields } from '../../http/validation';
import { ROLES, type Role } from '../../policy/policy';

export const USER_FIELDS = ['name', 'email', 'role', 'branch_ids'] as const;
export const USER_EDIT_FIELDS = ['name', 'role', 'branch_ids'] as const;

/** Roles that work at a branch and so need at least one; admins and experts work across all branches. */
export const BRANCH_ROLES: readonly Role[] = ['volunteer', 'coordinator'];

const role = z.enum(ROLES as [Role, ...Role[]], { message: 'validation.choose' });

/** Checkbox groups arrive as a string (one ticked), an array (several) or not at all. */
const branchIds = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().regex(/^[1-9]\d{0,9}$/, 'validation.invalid').transform(Number)))
  .transform((ids) => [...new Set(ids)]);

function branchesForRole<T extends { role: Role; branch_ids: number[] }>(v: T, ctx: z.RefinementCtx): void {
  if (BRANCH_ROLES.includes(v.role) && v.branch_ids.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['branch_ids'], message: 'users.errors.branch_required' });
  }
}

/** Admins and experts are not tied to branches; dropping stray ticks keeps the data honest. */
function normaliseBranches<T extends { role: Role; branch_ids: number[] }>(v: T): T {
  return BRANCH_ROLES.includes(v.role) ? v : { ...v, branch_ids: [] };
}

export const createUserSchema = z
  .object({ name: fields.requiredText(100), email: fields.email(), role, branch_ids: branchIds })
  .superRefine(branchesForRole)
  .transform(normaliseBranches);

export const editUserSchema = z
  .object({ name: fields.requiredText(100), role, branch_ids: branchIds })
  .superRefine(branchesForRole)
  .transform(normaliseBranches);
