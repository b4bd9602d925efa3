// Where the staff pages live, under the app's public URL (and its path prefix, when it has one).
export const STAFF_PATHS = {
  home: '/staff',
  signIn: '/staff/sign-in',
  signOut: '/staff/sign-out',
  register: '/staff/register',
  admin: '/staff/admin',
  static: '/staff/static',
} as const;

/** The one-time link `staff add` and `staff link` print. */
export function registrationUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${STAFF_PATHS.register}/${token}`;
}
