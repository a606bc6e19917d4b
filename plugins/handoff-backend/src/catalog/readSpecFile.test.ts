import { mockServices } from '@backstage/backend-test-utils';
import { ScmIntegrations } from '@backstage/integration';
import { readSpecFile, resolveSpecLocation } from './readSpecFile';

const integrations = ScmIntegrations.fromConfig(mockServices.rootConfig());

const entityAt = (location: string, spec = './handoff.yaml') => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'churn',
    annotations: {
      'backstage.io/managed-by-location': location,
      'handoff.dev/spec': spec,
    },
  },
});

describe('resolveSpecLocation', () => {
  it('resolves the spec next to a url: location through the SCM integrations', () => {
    expect(
      resolveSpecLocation(
        entityAt(
          'url:https://github.com/acme/churn/blob/main/service/catalog-info.yaml',
        ),
        integrations,
      ),
    ).toEqual({
      type: 'url',
      target: 'https://github.com/acme/churn/tree/main/service/handoff.yaml',
    });
    expect(
      resolveSpecLocation(
        entityAt(
          'url:https://github.com/acme/churn/blob/main/service/catalog-info.yaml',
          '../specs/h.yaml',
        ),
        integrations,
      ),
    ).toEqual({
      type: 'url',
      target: 'https://github.com/acme/churn/tree/main/specs/h.yaml',
    });
  });

  it('resolves the spec next to a file: location on disk', () => {
    expect(
      resolveSpecLocation(
        entityAt('file:/repo/caps/churn/catalog-info.yaml'),
        integrations,
      ),
    ).toEqual({
      type: 'file',
      target: '/repo/caps/churn/handoff.yaml',
    });
  });

  it('takes an absolute URL as it is and explains what it cannot resolve', () => {
    expect(
      resolveSpecLocation(
        entityAt(
          'file:/x/catalog-info.yaml',
          'https://specs.example.com/churn.yaml',
        ),
        integrations,
      ),
    ).toEqual({
      type: 'url',
      target: 'https://specs.example.com/churn.yaml',
    });
    expect(() =>
      resolveSpecLocation(entityAt('bitbucket-discovery:x'), integrations),
    ).toThrow('Cannot read a spec next to a bitbucket-discovery: location');
  });
});

describe('readSpecFile', () => {
  it('reads url: specs through the URL reader', async () => {
    const urlReader = mockServices.urlReader.mock({
      readUrl: jest.fn().mockResolvedValue({
        buffer: async () => Buffer.from('apiVersion: handoff.dev/v1alpha1\n'),
      }),
    });
    const text = await readSpecFile(
      {
        type: 'url',
        target: 'https://github.com/acme/churn/blob/main/handoff.yaml',
      },
      urlReader,
    );
    expect(text).toBe('apiVersion: handoff.dev/v1alpha1\n');
    expect(urlReader.readUrl).toHaveBeenCalledWith(
      'https://github.com/acme/churn/blob/main/handoff.yaml',
    );
  });

  it('refuses a file larger than 1 MB', async () => {
    const urlReader = mockServices.urlReader.mock({
      readUrl: jest.fn().mockResolvedValue({
        buffer: async () => Buffer.alloc(2 * 1024 * 1024),
      }),
    });
    await expect(
      readSpecFile({ type: 'url', target: 'https://x/h.yaml' }, urlReader),
    ).rejects.toThrow('https://x/h.yaml is larger than 1 MB');
  });
});
