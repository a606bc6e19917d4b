import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { OperatingOwnerProcessor } from './OperatingOwnerProcessor';
import {
  handoffConditions,
  isHandoffOperatingOwnerRule,
} from './operatingOwner';

const capability = (name: string, annotations: Record<string, string> = {}) =>
  ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'handoff.dev/spec': './handoff.yaml', ...annotations },
    },
    spec: { owner: 'group:default/data-science' },
  } as Entity);

function processorWith(answers: Array<object | Error>) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => {
    const next = answers.shift();
    if (next instanceof Error) throw next;
    return new Response(JSON.stringify(next), {
      headers: { 'Content-Type': 'application/json' },
    });
  });
  const logger = mockServices.logger.mock();
  const processor = new OperatingOwnerProcessor({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
    logger,
    fetch: fetch as unknown as typeof globalThis.fetch,
  });
  return { processor, fetch, logger };
}

const owners = {
  items: [
    {
      entityRef: 'component:default/Forecast',
      operatingOwner: 'group:default/sre',
    },
  ],
};

describe('OperatingOwnerProcessor', () => {
  afterEach(() => jest.useRealTimers());

  it('marks the capability its receiving team runs, asking Handoff once for many entities, with a service token', async () => {
    const { processor, fetch } = processorWith([owners]);
    const [forecast, other] = await Promise.all([
      processor.preProcessEntity(capability('forecast')),
      processor.preProcessEntity(capability('churn')),
    ]);
    expect(forecast.metadata.annotations?.['handoff.dev/operating-owner']).toBe(
      'group:default/sre',
    );
    expect(other.metadata.annotations).not.toHaveProperty(
      'handoff.dev/operating-owner',
    );
    await processor.preProcessEntity(capability('forecast'));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0][0]).toMatch(/\/operating-owners$/);
    expect(
      (fetch.mock.calls[0][1]?.headers as Record<string, string>).Authorization,
    ).toMatch(/^Bearer /);
  });

  it('drops what a catalog file says under the annotation, even when Handoff cannot be asked', async () => {
    const { processor, logger } = processorWith([new Error('ECONNREFUSED')]);
    const forged = await processor.preProcessEntity(
      capability('churn', {
        'handoff.dev/operating-owner': 'user:default/mallory',
      }),
    );
    expect(forged.metadata.annotations).not.toHaveProperty(
      'handoff.dev/operating-owner',
    );
    expect(forged.metadata.annotations?.['handoff.dev/spec']).toBe(
      './handoff.yaml',
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/none is marked yet: ECONNREFUSED/),
    );
    // Not a capability: no question asked, and no forged annotation either.
    const plain = await processor.preProcessEntity({
      ...capability('x', { 'handoff.dev/operating-owner': 'user:default/m' }),
      metadata: {
        name: 'x',
        annotations: { 'handoff.dev/operating-owner': 'user:default/m' },
      },
    });
    expect(plain.metadata.annotations).toEqual({});
  });

  it('keeps the last answer while Handoff is away, and asks again after 30 seconds', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-07T10:00:00Z') });
    const { processor, fetch } = processorWith([
      owners,
      new Error('503'),
      { items: [] },
    ]);
    const mark = async () =>
      (await processor.preProcessEntity(capability('forecast'))).metadata
        .annotations?.['handoff.dev/operating-owner'];
    expect(await mark()).toBe('group:default/sre');
    jest.setSystemTime(new Date('2026-12-07T10:00:31Z'));
    expect(await mark()).toBe('group:default/sre');
    jest.setSystemTime(new Date('2026-12-07T10:01:02Z'));
    // Handed back (or stopped): the mark goes.
    expect(await mark()).toBeUndefined();
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});

describe('the IS_HANDOFF_OPERATING_OWNER rule', () => {
  it('matches the claims against the annotation, whatever the case, and filters the catalog on it', () => {
    const run = capability('forecast', {
      'handoff.dev/operating-owner': 'group:default/SRE',
    });
    expect(
      isHandoffOperatingOwnerRule.apply(run, {
        claims: ['user:default/grace', 'group:default/sre'],
      }),
    ).toBe(true);
    expect(
      isHandoffOperatingOwnerRule.apply(run, {
        claims: ['group:default/data-science'],
      }),
    ).toBe(false);
    expect(
      isHandoffOperatingOwnerRule.apply(capability('churn'), {
        claims: ['group:default/sre'],
      }),
    ).toBe(false);
    expect(
      isHandoffOperatingOwnerRule.toQuery({ claims: ['group:default/SRE'] }),
    ).toEqual({
      key: 'metadata.annotations.handoff.dev/operating-owner',
      values: ['group:default/sre'],
    });
    expect(
      handoffConditions.isOperatingOwner({ claims: ['group:default/sre'] }),
    ).toEqual({
      rule: 'IS_HANDOFF_OPERATING_OWNER',
      resourceType: 'catalog-entity',
      params: { claims: ['group:default/sre'] },
    });
  });
});
