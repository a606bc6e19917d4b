import { Entity } from '@backstage/catalog-model';
import { alertApiRef, identityApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { HandoffException } from '@handoff/backstage-plugin-handoff-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HandoffApi, handoffApiRef } from '../../api';
import { ExceptionsCard } from './ExceptionsCard';

jest.setTimeout(30_000);

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'forecast', namespace: 'default' },
  spec: { owner: 'group:default/data-science' },
};

const base = {
  entityRef: 'component:default/forecast',
  justification: 'The rollback is a feature flag, tested on Monday',
  until: '2027-03-01',
  requestedAt: '2026-12-01T10:00:00.000Z',
};
const items: HandoffException[] = [
  {
    ...base,
    id: 3,
    requirement: 'rollback',
    requirementDescription: 'A rollback procedure',
    status: 'pending',
    requestedBy: 'user:default/alan',
  },
  {
    ...base,
    id: 2,
    requirement: 'test-plan',
    requirementDescription: 'A test plan',
    status: 'pending',
    requestedBy: 'user:default/margaret',
  },
  {
    ...base,
    id: 1,
    requirement: 'nfr',
    requirementDescription: 'Non-functional requirements',
    status: 'denied',
    requestedBy: 'user:default/alan',
    answeredBy: 'user:default/margaret',
    answeredAt: '2026-12-02T10:00:00.000Z',
    answerNote: 'Customers feel it: write them down',
  },
];

function renderCard(api: Partial<HandoffApi>, mayGrant: boolean) {
  const shown = mayGrant
    ? entity
    : { ...entity, metadata: { ...entity.metadata, name: 'forecast-2' } };
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [handoffApiRef, { listExceptions: async () => ({ items }), ...api }],
        [alertApiRef, { post: jest.fn() }],
        [
          permissionApiRef,
          {
            authorize: async () => ({
              result: mayGrant ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
            }),
          },
        ],
        [
          identityApiRef,
          {
            getBackstageIdentity: async () => ({
              type: 'user' as const,
              userEntityRef: 'user:default/margaret',
              ownershipEntityRefs: ['user:default/margaret'],
            }),
          },
        ],
      ]}
    >
      <EntityProvider entity={shown}>
        <ExceptionsCard revision={0} onChange={api.answerException as any} />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const rowOf = (text: string) =>
  screen.getByText(text).closest('tr') as HTMLElement;

describe('ExceptionsCard', () => {
  it('offers Grant and Deny on others’ requests to whoever may grant, never on their own, and sends the answer with its reason', async () => {
    const answerException = jest.fn().mockResolvedValue({});
    await renderCard({ answerException }, true);
    await screen.findByText('A rollback procedure');
    const others = rowOf('A rollback procedure');
    const own = rowOf('A test plan');
    const denied = rowOf('Non-functional requirements');
    expect(within(own).queryByRole('button', { name: 'Grant' })).toBeNull();
    expect(within(own).getByRole('button', { name: 'Revoke' })).toBeVisible();
    expect(within(denied).queryAllByRole('button')).toEqual([]);
    expect(within(denied).getByText('Denied')).toBeVisible();
    expect(
      within(denied).getByText(/Customers feel it: write them down/),
    ).toBeVisible();
    fireEvent.click(within(others).getByRole('button', { name: 'Grant' }));
    const dialog = await screen.findByRole('dialog');
    const grant = within(dialog).getByRole('button', {
      name: 'Grant the exception',
    });
    expect(grant).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText('Why'), {
      target: { value: 'Tested it myself' },
    });
    fireEvent.click(grant);
    await waitFor(() =>
      expect(answerException).toHaveBeenCalledWith(
        { kind: 'Component', namespace: 'default', name: 'forecast' },
        3,
        { answer: 'grant', note: 'Tested it myself' },
      ),
    );
  });

  it('leaves a person who may not grant only the revocation of their own request', async () => {
    await renderCard({}, false);
    await screen.findByText('A rollback procedure');
    expect(
      within(rowOf('A rollback procedure')).queryAllByRole('button'),
    ).toEqual([]);
    expect(
      within(rowOf('A test plan')).getByRole('button', { name: 'Revoke' }),
    ).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Grant' })).toBeNull();
  });
});
