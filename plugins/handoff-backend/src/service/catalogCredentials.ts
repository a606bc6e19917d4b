import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';

/**
 * The credentials to read the catalog with: users read it as themselves, so
 * its permissions apply; services (CI with a static token limited to this
 * plugin) read it as this plugin.
 */
export async function catalogCredentials(
  auth: AuthService,
  credentials: BackstageCredentials,
): Promise<BackstageCredentials> {
  return auth.isPrincipal(credentials, 'user')
    ? credentials
    : auth.getOwnServiceCredentials();
}
