import type { Request } from 'express';
import { assertMay, branchIdsFor, type Capability } from '../policy/policy';
import type { Branch } from '../features/branches/branches.service';
import { BadRequestError, NotFoundError } from './errors';
import { parseId } from './auth';

/** What the branch scope helper needs of the branches feature (a narrow view, easy to build in tests). */
export interface BranchDirectory {
  find(id: number): Branch | null;
  listActive(): Branch[];
}

export interface BranchScope {
  /** The branch the request is about; null only when the person has no open branch at all. */
  branch: Branch | null;
  /** The open branches the person may pick for this capability (for the branch picker). */
  branches: Branch[];
}

/** Open branches where the person holds the capability, in the directory's order. */
export function choosableBranches(directory: BranchDirectory, user: Request['user'], capability: Capability): Branch[] {
  if (!user) return [];
  const ids = branchIdsFor(user, capability);
  const active = directory.listActive();
  return ids === null ? active : active.filter((b) => ids.includes(b.id));
}

function requestedBranch(req: Request): unknown {
  const fromQuery = req.query.branch;
  if (fromQuery !== undefined) return fromQuery;
  const body = req.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' ? body.branch : undefined;
}

/**
 * The one answer to "which branch is this request about": `?branch=` or a form field `branch`, else the
 * person's first branch for this capability. The same answers everywhere: a malformed value is 400, a
 * branch the person may not act on (or that does not exist) is 404, a role without the capability 403.
 */
export function branchScope(req: Request, directory: BranchDirectory, capability: Capability): BranchScope {
  const user = req.user;
  assertMay(user, capability);
  const branches = choosableBranches(directory, user, capability);
  const raw = requestedBranch(req);
  if (raw === undefined || raw === '') return { branch: branches[0] ?? null, branches };
  const id = parseId(raw);
  if (id === null) throw new BadRequestError();
  assertMay(user, capability, id);
  const branch = directory.find(id);
  if (!branch) throw new NotFoundError();
  return { branch, branches };
}
