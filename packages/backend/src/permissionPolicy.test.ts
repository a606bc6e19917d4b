import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  handoffApprovalCreatePermission,
  handoffCheckCreatePermission,
  handoffAuditReadPermission,
  handoffCapabilityRegisterPermission,
  handoffWorkUpdatePermission,
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

  it('lets owners, and the team a capability was handed off to, decide for it: catalog conditions', async () => {
    const decision = await policy.handle(
      { permission: handoffDecisionCreatePermission },
      user,
    );
    const params = {
      claims: ['user:default/ada', 'group:default/data-science'],
    };
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        anyOf: [
          { rule: 'IS_ENTITY_OWNER', resourceType: 'catalog-entity', params },
          {
            rule: 'IS_HANDOFF_OPERATING_OWNER',
            resourceType: 'catalog-entity',
            params,
          },
        ],
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

  it("leaves work items to the backend, which checks the assignee and the capability's owners", async () => {
    expect(
      await policy.handle({ permission: handoffWorkUpdatePermission }, user),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('refuses handoff writes to a caller without a user (services are decided by their token, not here)', async () => {
    for (const permission of [
      handoffCheckCreatePermission,
      handoffDecisionCreatePermission,
      handoffCapabilityRegisterPermission,
    ]) {
      expect(await policy.handle({ permission })).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it('lets only owners register a capability', async () => {
    expect(
      await policy.handle(
        { permission: handoffCapabilityRegisterPermission },
        user,
      ),
    ).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { anyOf: [{ rule: 'IS_ENTITY_OWNER' }, {}] },
    });
  });

  it('grants the catalog-wide audit to the auditor groups only', async () => {
    const platformUser = {
      ...user,
      info: {
        userEntityRef: 'user:default/lin',
        ownershipEntityRefs: ['user:default/lin', 'group:default/Platform'],
      },
    };
    expect(
      await policy.handle(
        { permission: handoffAuditReadPermission },
        platformUser,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle({ permission: handoffAuditReadPermission }, user),
    ).toEqual({ result: AuthorizeResult.DENY });
    expect(
      await policy.handle({ permission: handoffAuditReadPermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
    const configured = new HandoffExamplePolicy({
      auditors: ['group:default/data-science'],
    });
    expect(
      await configured.handle({ permission: handoffAuditReadPermission }, user),
    ).toEqual({ result: AuthorizeResult.ALLOW });
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
