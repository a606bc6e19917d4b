import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  handoffApprovalCreatePermission,
  handoffCheckCreatePermission,
  handoffDecisionCreatePermission,
} from '@handoff/backstage-plugin-handoff-common';
import { HandoffExamplePolicy } from './permissionPolicy';

const user = {
  identity: {
    type: 'user' as const,
    userEntityRef: 'user:default/ada',
    ownershipEntityRefs: ['user:default/ada', 'group:default/data-science'],
  },
  info: {
    userEntityRef: 'user:default/ada',
    ownershipEntityRefs: ['user:default/ada', 'group:default/data-science'],
  },
  token: 't',
  credentials: {} as any,
} as any;

describe('HandoffExamplePolicy', () => {
  const policy = new HandoffExamplePolicy();

  it('lets owners decide for their entities: a catalog condition on ownership', async () => {
    const decision = await policy.handle(
      { permission: handoffDecisionCreatePermission },
      user,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['user:default/ada', 'group:default/data-science'] },
      },
    });
  });

  it('leaves approvals to the backend, which checks the accountable owner', async () => {
    expect(
      await policy.handle(
        { permission: handoffApprovalCreatePermission },
        user,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets services post checks but never decide', async () => {
    expect(
      await policy.handle({ permission: handoffCheckCreatePermission }),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle({ permission: handoffDecisionCreatePermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('allows everything that is not a handoff write', async () => {
    expect(
      await policy.handle(
        {
          permission: {
            type: 'basic',
            name: 'catalog.entity.create',
            attributes: { action: 'create' },
          },
        },
        user,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });
});
