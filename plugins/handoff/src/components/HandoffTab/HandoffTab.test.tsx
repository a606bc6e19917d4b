import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { alertApiRef } from '@backstage/core-plugin-api';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { parse } from 'yaml';
// Reading the example specs from the repository is test-only.
// eslint-disable-next-line no-restricted-imports
import fs from 'fs';
// eslint-disable-next-line no-restricted-imports
import path from 'path';
import { validateHandoffSpec } from '@handoff/backstage-plugin-handoff-common';
import { HandoffApi, handoffApiRef } from '../../api';
import { SpecCard } from './SpecCard';
import { SpecVersionsCard } from './SpecVersionsCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'churn-model', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/data-science' },
};

const example = (name: string) =>
  fs.readFileSync(
    path.resolve(
      __dirname,
      `../../../../../examples/capabilities/${name}/handoff.yaml`,
    ),
    'utf8',
  );

function specResponse(content: string) {
  const result = validateHandoffSpec(content);
  return {
    entityRef: 'component:default/churn-model',
    specLocation: './handoff.yaml',
    readAt: '2026-11-25T10:00:00.000Z',
    latest: {
      entityRef: 'component:default/churn-model',
      version: 2,
      contentHash: 'abc',
      valid: result.valid,
      errorCount: result.errors.length,
      sourceLocation: 'file:/repo/handoff.yaml',
      firstSeenAt: '2026-11-25T10:00:00.000Z',
      lastSeenAt: '2026-11-25T10:00:00.000Z',
      content,
      document: parse(content),
      errors: result.errors,
      entityState: {},
    },
  };
}

const alertApi = { post: jest.fn() };

function renderWith(api: Partial<HandoffApi>, element: JSX.Element) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [handoffApiRef, api],
        [alertApiRef, alertApi],
      ]}
    >
      <EntityProvider entity={entity}>{element}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('SpecCard', () => {
  it('renders a valid spec as readable artifacts, data contracts as tables', async () => {
    await renderWith(
      {
        getSpec: jest
          .fn()
          .mockResolvedValue(specResponse(example('churn-model'))),
      },
      <SpecCard />,
    );
    expect(await screen.findByText('The spec is valid')).toBeInTheDocument();
    expect(
      screen.getByText(/Retention calls go to subscribers at random/),
    ).toBeInTheDocument();
    const fields = screen.getByRole('table', {
      name: 'Fields of subscriber-activity',
    });
    const tenure = within(fields).getByText('tenure_months').closest('tr')!;
    expect(within(tenure).getByText('0 to 600')).toBeInTheDocument();
    expect(within(tenure).getByText('psi ≤ 0.2')).toBeInTheDocument();
    expect(screen.getByText('Data: high')).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Failure modes' }),
    ).toHaveTextContent('Input data late or missing');
    expect(
      screen.getByText(
        /Not in this spec yet: Deployment checklist and rollback, Observability/,
      ),
    ).toBeInTheDocument();
  });

  it('shows each validation error at the artifact it belongs to', async () => {
    await renderWith(
      {
        getSpec: jest
          .fn()
          .mockResolvedValue(specResponse(example('customer-360'))),
      },
      <SpecCard />,
    );
    expect(await screen.findByText('Invalid: 5 errors')).toBeInTheDocument();
    const risk = screen.getByRole('region', { name: 'Risk profile' });
    expect(
      within(risk).getByText(
        'risk.compliance: must be one of low, medium, high (line 10, column 15)',
      ),
    ).toBeInTheDocument();
    const contracts = screen.getByRole('region', { name: 'Data contracts' });
    expect(
      within(contracts).getByText(
        /fields\.age\.range\.max: min must not be greater than max/,
      ),
    ).toBeInTheDocument();
    const owners = screen.getByRole('region', { name: 'Owners' });
    expect(
      within(owners).getByText(
        /owners\.operatingOwner: must be a group or user entity ref/,
      ),
    ).toBeInTheDocument();
  });

  it('says how to add a spec when the entity has none', async () => {
    await renderWith(
      {
        getSpec: jest
          .fn()
          .mockResolvedValue({ entityRef: 'component:default/churn-model' }),
      },
      <SpecCard />,
    );
    expect(
      await screen.findByText(/This entity has no handoff spec/),
    ).toBeInTheDocument();
  });

  it('explains a file that cannot be read', async () => {
    await renderWith(
      {
        getSpec: jest.fn().mockResolvedValue({
          entityRef: 'component:default/churn-model',
          specLocation: './handoff.yaml',
          readError: 'No spec file ./handoff.yaml in the folder',
          readAt: '2026-11-25T10:00:00.000Z',
        }),
      },
      <SpecCard />,
    );
    expect(
      await screen.findByText(
        'Could not read the file: No spec file ./handoff.yaml in the folder',
      ),
    ).toBeInTheDocument();
  });

  it('says a spec not read yet is not read yet (not invalid), and offers to read it now', async () => {
    await renderWith(
      {
        getSpec: jest.fn().mockResolvedValue({
          entityRef: 'component:default/churn-model',
          specLocation: './handoff.yaml',
        }),
      },
      <SpecCard />,
    );
    expect(await screen.findByText(/Not read yet/)).toBeInTheDocument();
    expect(screen.queryByText(/Invalid/)).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Read now' })).toBeEnabled();
  });

  it('asks again for a spec not read yet until the backend has read it, then tells the tab', async () => {
    const getSpec = jest
      .fn()
      .mockResolvedValueOnce({
        entityRef: 'component:default/churn-model',
        specLocation: './handoff.yaml',
      })
      .mockResolvedValue(specResponse(example('churn-model')));
    const onChange = jest.fn();
    await renderWith({ getSpec }, <SpecCard onChange={onChange} />);
    expect(await screen.findByText(/Not read yet/)).toBeInTheDocument();
    expect(
      await screen.findByText('The spec is valid', {}, { timeout: 8_000 }),
    ).toBeInTheDocument();
    expect(getSpec).toHaveBeenCalledTimes(2);
    expect(onChange).toHaveBeenCalledTimes(1);
  }, 15_000);

  it('reads the spec again on request and says what happened', async () => {
    const getSpec = jest
      .fn()
      .mockResolvedValue(specResponse(example('churn-model')));
    const refreshSpec = jest
      .fn()
      .mockResolvedValue({ status: 'created', version: 3 });
    await renderWith({ getSpec, refreshSpec }, <SpecCard />);
    fireEvent.click(await screen.findByRole('button', { name: 'Read again' }));
    await waitFor(() => expect(getSpec).toHaveBeenCalledTimes(2));
    expect(alertApi.post).toHaveBeenCalledWith(
      expect.objectContaining({
        message: 'Read a new version (3) of the spec.',
        severity: 'success',
      }),
    );
  });
});

describe('SpecVersionsCard', () => {
  it('compares two selected versions by artifact', async () => {
    const summary = (version: number) => ({
      entityRef: 'component:default/churn-model',
      version,
      contentHash: `hash${version}`,
      valid: true,
      errorCount: 0,
      sourceLocation: 'file:/repo/handoff.yaml',
      firstSeenAt: '2026-11-25T10:00:00.000Z',
      lastSeenAt: '2026-11-25T10:00:00.000Z',
    });
    const diffSpecVersions = jest.fn().mockResolvedValue({
      entityRef: 'component:default/churn-model',
      from: summary(1),
      to: summary(2),
      changes: [
        { artifact: 'acceptanceCriteria', change: 'added' },
        { artifact: 'risk', change: 'changed' },
      ],
    });
    await renderWith(
      {
        listSpecVersions: jest
          .fn()
          .mockResolvedValue({ items: [summary(2), summary(1)] }),
        diffSpecVersions,
      },
      <SpecVersionsCard />,
    );
    const compare = await screen.findByRole('button', {
      name: 'Compare selected versions',
    });
    expect(compare).toBeDisabled();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select version 2' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select version 1' }));
    fireEvent.click(compare);
    expect(
      await screen.findByText('Version 1 → version 2'),
    ).toBeInTheDocument();
    expect(screen.getByText('acceptanceCriteria: added')).toBeInTheDocument();
    expect(screen.getByText('risk: changed')).toBeInTheDocument();
    expect(diffSpecVersions).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'churn-model' },
      1,
      2,
    );
  });
});
