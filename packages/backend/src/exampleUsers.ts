/*
 * Sign in as one of the example organisation's people (examples/org.yaml), so
 * a newcomer can see separation of duties at work: Ada records, Grace accepts,
 * Margaret approves for compliance. Development only, like the guest provider:
 * anyone can be anyone here. Never add this module to a production backend.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';

/** The request header naming the example user to sign in as. */
export const EXAMPLE_USER_HEADER = 'x-handoff-example-user';

/**
 * `auth.providers.example-users.users`: the example User entity names one may
 * sign in as. Refused outside a development environment.
 */
export const exampleUsersAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async (result: { name: string }) => ({
    profile: { displayName: result.name },
  }),
  initialize({ config }) {
    return {
      users: config.getOptionalStringArray('users') ?? [],
      enabled: process.env.NODE_ENV === 'development',
    };
  },
  async authenticate({ req }, ctx) {
    if (!ctx.enabled) {
      throw new NotAllowedError(
        'Signing in as an example user is only possible in a development environment',
      );
    }
    const name = req.header(EXAMPLE_USER_HEADER) ?? '';
    if (!ctx.users.includes(name)) {
      throw new AuthenticationError(
        `Not an example user one may sign in as: ${JSON.stringify(
          name.slice(0, 64),
        )}`,
      );
    }
    return { result: { name } };
  },
});

export default createBackendModule({
  pluginId: 'auth',
  moduleId: 'handoff-example-users',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'example-users',
          factory: createProxyAuthProviderFactory({
            authenticator: exampleUsersAuthenticator,
            // Ownership comes from the catalog: the user and their groups.
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({
                entityRef: {
                  kind: 'User',
                  namespace: 'default',
                  name: result.name,
                },
              }),
          }),
        });
      },
    });
  },
});
