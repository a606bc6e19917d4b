import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { OwnerField, OwnerFieldValue } from './OwnerField';

const group = (name: string, title?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', children: [], profile: { displayName: title } },
});

const catalogApi = catalogApiMock({
  entities: [
    group('data-science', 'Data science'),
    group('sre', 'Site reliability'),
    group('no-name'),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: 'ada', title: 'Ada Lovelace' },
      spec: {},
    },
  ],
});

async function renderField(
  formData: OwnerFieldValue | undefined,
  kinds?: string[],
) {
  const onChange = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[catalogApiRef, catalogApi]]}>
      <OwnerField
        {...({
          formData,
          onChange,
          rawErrors: [],
          required: true,
          schema: {
            title: 'Owning group',
            description: 'The team that owns it.',
          },
          uiSchema: kinds ? { 'ui:options': { kinds } } : {},
          idSchema: { $id: 'root_owner' },
        } as any)}
      />
    </TestApiProvider>,
  );
  return onChange;
}

describe('OwnerField', () => {
  it('finds a group by its display name and keeps its ref with the name', async () => {
    const onChange = await renderField(undefined);
    const box = screen.getByRole('textbox', { name: /Owning group/ });
    fireEvent.change(box, { target: { value: 'reliab' } });
    const option = await screen.findByRole('option', {
      name: /Site reliability/,
    });
    // The option names the group and shows its ref under the name.
    expect(option).toHaveTextContent('group:default/sre');
    // Only groups unless the template asks for users too.
    fireEvent.change(box, { target: { value: 'ada' } });
    expect(screen.queryByRole('option', { name: /Ada/ })).toBeNull();
    fireEvent.change(box, { target: { value: 'reliab' } });
    fireEvent.click(
      await screen.findByRole('option', { name: /Site reliability/ }),
    );
    expect(onChange).toHaveBeenLastCalledWith({
      ref: 'group:default/sre',
      title: 'Site reliability',
    });
  });

  it('shows a picked owner by name, the ref on hover; a group without a name by its ref', async () => {
    await renderField({ ref: 'group:default/data-science', title: 'x' });
    const box = await screen.findByDisplayValue('Data science');
    expect(box).toHaveAttribute('title', 'group:default/data-science');
    expect(screen.queryByDisplayValue('group:default/data-science')).toBeNull();
  });

  it('offers users when the template asks for them, and names a nameless group by its ref', async () => {
    const onChange = await renderField(undefined, ['Group', 'User']);
    const box = screen.getByRole('textbox', { name: /Owning group/ });
    fireEvent.change(box, { target: { value: 'lovelace' } });
    fireEvent.click(await screen.findByRole('option', { name: /Ada/ }));
    expect(onChange).toHaveBeenLastCalledWith({
      ref: 'user:default/ada',
      title: 'Ada Lovelace',
    });
    fireEvent.change(box, { target: { value: 'no-name' } });
    fireEvent.click(
      await screen.findByRole('option', { name: 'group:default/no-name' }),
    );
    expect(onChange).toHaveBeenLastCalledWith({
      ref: 'group:default/no-name',
      title: 'group:default/no-name',
    });
  });
});
