import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { Ref } from './parts';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

describe('Ref', () => {
  it('links an owner ref to its entity', async () => {
    await renderInTestApp(<Ref value="group:default/data-science" />, {
      mountedRoutes,
    });
    expect(screen.getByRole('link')).toHaveTextContent('data-science');
  });

  it('shows a ref the catalog cannot read as text, so the spec and its errors stay on screen', async () => {
    for (const broken of ['group:', 'user:/']) {
      const { unmount } = await renderInTestApp(<Ref value={broken} />, {
        mountedRoutes,
      });
      expect(screen.getByText(broken)).toBeInTheDocument();
      expect(screen.queryByRole('link')).toBeNull();
      unmount();
    }
  });
});
