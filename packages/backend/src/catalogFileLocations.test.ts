import { ConfigReader } from '@backstage/config';
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  AllowedFileLocationsProcessor,
  allowedFileRoots,
  missingFileLocations,
} from './catalogFileLocations';

describe('file: locations in the example portal', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-locations-'));
    fs.mkdirSync(path.join(dir, 'examples'));
    fs.writeFileSync(path.join(dir, 'examples', 'all.yaml'), '');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const processor = () =>
    new AllowedFileLocationsProcessor(
      allowedFileRoots(
        new ConfigReader({
          catalog: {
            fileLocationRoots: [path.join(dir, 'templates')],
            locations: [
              { type: 'file', target: path.join(dir, 'examples', 'all.yaml') },
              {
                type: 'url',
                target: 'https://github.com/acme/x/blob/main/c.yaml',
              },
            ],
          },
          handoff: {
            scaffolder: { localPublishDirectory: path.join(dir, 'published') },
          },
        }),
      ),
    );

  async function read(target: string) {
    const emit = jest.fn();
    const handled = await processor().readLocation(
      { type: 'file', target },
      false,
      emit,
    );
    return { handled, emitted: emit.mock.calls.map(c => c[0]) };
  }

  it('leaves files under the example and publish folders to the catalog’s reader', async () => {
    expect(await read(path.join(dir, 'examples', 'org.yaml'))).toEqual({
      handled: false,
      emitted: [],
    });
    expect(
      await read(path.join(dir, 'published', 'loyalty', 'catalog-info.yaml')),
    ).toEqual({ handled: false, emitted: [] });
    expect(
      await read(path.join(dir, 'templates', 'new', 'template.yaml')),
    ).toEqual({ handled: false, emitted: [] });
  });

  it('refuses any other file, a path that climbs out, and a symlink that leads out', async () => {
    fs.symlinkSync('/etc', path.join(dir, 'examples', 'etc'));
    for (const target of [
      '/etc/passwd',
      path.join(dir, 'examples', '..', 'secrets.yaml'),
      path.join(dir, 'examples', 'etc', 'passwd'),
    ]) {
      const { handled, emitted } = await read(target);
      expect(handled).toBe(true);
      expect(emitted).toEqual([
        expect.objectContaining({
          type: 'error',
          error: expect.objectContaining({
            message: expect.stringMatching(/is outside them$/),
          }),
        }),
      ]);
    }
  });

  it('leaves url: locations alone', async () => {
    const emit = jest.fn();
    expect(
      await processor().readLocation(
        { type: 'url', target: 'https://github.com/acme/x/blob/main/c.yaml' },
        false,
        emit,
      ),
    ).toBe(false);
  });

  it('names the configured file: locations that do not exist where the backend runs', () => {
    const config = new ConfigReader({
      catalog: {
        locations: [
          { type: 'file', target: __filename },
          { type: 'file', target: '../../examples/missing.yaml' },
          { type: 'url', target: 'https://github.com/acme/x/blob/main/c.yaml' },
        ],
      },
    });
    expect(missingFileLocations(config)).toEqual([
      path.resolve('../../examples/missing.yaml'),
    ]);
  });
});
