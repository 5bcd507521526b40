export type Role = 'operator' | 'supervisor' | 'admin';

/** The claims of a centralino access token. */
export interface AccessTokenClaims {
  sub: string;
  username: string;
  role: Role;
  /** The user's token version at issue; logout and admin changes bump it (TokenVersionStore). */
  ver?: number;
}
