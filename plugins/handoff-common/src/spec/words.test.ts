import { specPlace, specPlacesInWords } from './words';

describe('a place in a spec, in words', () => {
  it.each([
    ['intent.problem', 'Intent: the problem it solves'],
    ['successCriteria', 'Success criteria'],
    ['successCriteria[0].metric', 'Success criterion 1: the metric'],
    ['acceptanceCriteria[1]', 'Acceptance criterion 2'],
    [
      'deployment.rollback.procedure',
      'Deployment checklist and rollback: the rollback procedure',
    ],
    [
      'deployment.checklist[2].done',
      'Deployment checklist and rollback: checklist item 3, ticked done',
    ],
    ['testPlan.cases', 'Test plan: the test cases'],
    ['observability.slos', 'Observability: the SLOs'],
    ['model.failureModes', 'Model requirements: the failure modes'],
    [
      'dataContracts[1].fields.amount.(driftTolerance|driftExempt)',
      'Data contract 2: field “amount”, its drift tolerance (or why drift does not apply)',
    ],
    [
      'dataContracts[0].quality',
      'Data contract “orders”: the quality thresholds',
    ],
    ['features[0].successMetric', 'Feature 1: its success metric'],
    ['somethingNew.deepKey', 'Something new: the deep key'],
  ])('%s reads "%s"', (path, words) => {
    const spec = {
      dataContracts: [{ name: 'orders' }, { name: 'TODO name it' }],
      features: [{ name: '' }],
    };
    expect(specPlacesInWords([path], spec)).toBe(words);
  });

  it('names no path, index or brackets', () => {
    for (const path of [
      'successCriteria[0].measuredBy',
      'dataContracts[3].fields.x.range',
      'deployment.checklist[0].done',
    ]) {
      const words = specPlacesInWords([path]);
      expect(words).not.toMatch(/\[|\]|\.|\(\w+\|/);
    }
  });

  it('says each item once, with all that is left of it', () => {
    expect(
      specPlacesInWords([
        'successCriteria[0].metric',
        'successCriteria[0].target',
        'successCriteria[0].measuredBy',
        'successCriteria[1].metric',
        'deployment.rollback.procedure',
      ]),
    ).toBe(
      'Success criterion 1: the metric, its target and how it is measured; Success criterion 2: the metric; Deployment checklist and rollback: the rollback procedure',
    );
  });

  it('gives the section of a place', () => {
    expect(specPlace('successCriteria[0].metric')).toEqual({
      section: 'Success criteria',
      item: 'Success criterion 1',
      part: 'the metric',
    });
  });
});
