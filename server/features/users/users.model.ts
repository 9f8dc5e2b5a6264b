import type { Role } from '../../policy/policy';

/** Staff accounts as the rest of the app sees them (no citizen ever has one). */
export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
  mustChangePassword: boolean;
  disabledAt: string | null;
  lastSignInAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface UserWithBranches extends UserRow {
  branchIds: number[];
}

export interface UserInput {
  email: string;
  name: string;
  role: Role;
  branchIds: number[];
}
