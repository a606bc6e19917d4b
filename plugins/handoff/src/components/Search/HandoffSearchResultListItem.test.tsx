import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { HandoffSearchResultListItem } from './HandoffSearchResultListItem';

describe('HandoffSearchResultListItem', () => {
  it('shows the capability with its stage, owner, operator, risk, next review and problem', async () => {
    await renderInTestApp(
      <HandoffSearchResultListItem
        result={
          {
            title: 'Fraud scoring',
            text: 'Card fraud slips through. Pilot.',
            location: '/catalog/default/component/fraud-scoring/handoff',
            stage: 'hardening',
            owner: 'group:default/risk',
            ownerTitle: 'Risk engineering',
            operatingOwner: 'group:default/sre',
            operatingOwnerTitle: 'Site reliability',
            riskTier: 'high',
            nextReviewAt: '2027-01-15T00:00:00.000Z',
            problem: 'Card fraud slips through the nightly batch checks',
          } as any
        }
      />,
    );
    expect(screen.getByRole('link', { name: 'Fraud scoring' })).toHaveAttribute(
      'href',
      '/catalog/default/component/fraud-scoring/handoff',
    );
    expect(screen.getByText('Hardening')).toBeInTheDocument();
    expect(
      screen.getByText('Card fraud slips through the nightly batch checks'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        new RegExp(
          `Risk engineering · operated by Site reliability · High risk · next review ${new Date(
            '2027-01-15T00:00:00.000Z',
          )
            .toLocaleDateString()
            .replace(/\//g, '\\/')}`,
        ),
      ),
    ).toBeInTheDocument();
  });

  it('renders nothing without a result', async () => {
    const { container } = await renderInTestApp(
      <HandoffSearchResultListItem />,
    );
    expect(container.querySelector('li')).toBeNull();
  });
});
