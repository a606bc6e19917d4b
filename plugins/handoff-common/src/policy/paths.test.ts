import { isPlaceholder, missingAt, unfinishedAt } from './paths';

const spec = {
  intent: { problem: 'p' },
  acceptanceCriteria: [],
  deployment: { checklist: [{ item: 'a', done: true }, { item: 'b' }] },
  dataContracts: [
    {
      name: 'c',
      fields: {
        id: { type: 'string', driftExempt: 'an identifier' },
        units: {
          type: 'integer',
          driftTolerance: { metric: 'psi', threshold: 0.2 },
        },
        region: { type: 'string' },
      },
    },
  ],
};

describe('missingAt', () => {
  it('finds a present section and names an absent or empty one', () => {
    expect(missingAt(spec, 'intent.problem')).toEqual([]);
    expect(missingAt(spec, 'acceptanceCriteria')).toEqual([
      'acceptanceCriteria',
    ]);
    expect(missingAt(spec, 'deployment.rollback.procedure')).toEqual([
      'deployment.rollback',
    ]);
    expect(missingAt(undefined, 'intent')).toEqual(['intent']);
  });

  it('asks every item of a list or mapping, and accepts either of two keys', () => {
    expect(missingAt(spec, 'deployment.checklist[*].done')).toEqual([
      'deployment.checklist[1].done',
    ]);
    expect(
      missingAt(
        spec,
        'dataContracts[*].fields[*].(driftTolerance|driftExempt)',
      ),
    ).toEqual(['dataContracts[0].fields.region.(driftTolerance|driftExempt)']);
    // An empty list does not meet "every item".
    expect(
      missingAt({ dataContracts: [] }, 'dataContracts[*].quality'),
    ).toEqual(['dataContracts']);
  });
});

describe('unfinishedAt', () => {
  it('names placeholders left inside what a path finds, apart from what is missing', () => {
    const draft = {
      dataContracts: [
        {
          fields: {
            id: { type: 'string', driftExempt: 'TODO: say why' },
            units: { type: 'integer' },
          },
        },
      ],
    };
    expect(
      unfinishedAt(
        draft,
        'dataContracts[*].fields[*].(driftTolerance|driftExempt)',
      ),
    ).toEqual({
      missing: ['dataContracts[0].fields.units.(driftTolerance|driftExempt)'],
      toDo: ['dataContracts[0].fields.id.driftExempt'],
    });
    expect(unfinishedAt(spec, 'intent')).toEqual({ missing: [], toDo: [] });
    expect(isPlaceholder('TODO')).toBe(true);
    expect(isPlaceholder('TODO: x')).toBe(true);
    expect(isPlaceholder('TODOS')).toBe(false);
    expect(isPlaceholder('Not a TODO')).toBe(false);
    expect(isPlaceholder(0)).toBe(false);
  });
});
