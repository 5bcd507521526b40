export const OPERATOR_STATES = ['offline', 'available', 'reserved', 'busy', 'wrap_up', 'away'] as const;
export type OperatorState = (typeof OPERATOR_STATES)[number];

/** An operator's live routing view: profile from the database, state from Redis. */
export interface RoutableOperator {
  id: string;
  skills: Record<string, number>;
  languages: string[];
  /** When the operator last became free (ms); longest idle is served first. */
  idleSince: number;
}
