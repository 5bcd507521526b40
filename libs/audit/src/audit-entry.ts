/**
 * Who did something: an authenticated user (pass the request's access-token claims as they are) or a
 * named non-interactive actor such as `cli` or `system`.
 */
export type AuditActor = { sub?: string; username: string; role?: string } | string;

/** What `AuditService.record` stores. Keep `details` small and free of secrets. */
export interface AuditRecordInput {
  actor: AuditActor;
  /** Dotted verb, lower case: `user.create`, `contact.move`, `operator.logout`, `privacy.erase`. */
  action: string;
  /** What was acted on, `kind:id` (e.g. `user:giulia`, `contact:<uuid>`); omit when nothing specific. */
  target?: string | null;
  details?: Record<string, unknown>;
}

/** A recorded entry, as `GET /admin/audit` returns it. */
export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actor: string;
  actorRole: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}
