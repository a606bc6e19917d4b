/*
 * Whether a spec is valid depends on the YAML reader and the validator
 * library as much as on the schema. The packages therefore declare the exact
 * versions this repository installs and tests, never a range CI has not
 * tried (issue 31): a company installing Handoff gets the verdicts tested here.
 */
import fs from 'fs';
import path from 'path';

const root = path.resolve(__dirname, '../../../..');
const readers = ['yaml', 'zod'];

const manifests = ['plugins', 'packages']
  .flatMap(dir =>
    fs
      .readdirSync(path.join(root, dir))
      .map(name => path.join(root, dir, name, 'package.json')),
  )
  .filter(file => fs.existsSync(file))
  .map(file => ({ file, json: JSON.parse(fs.readFileSync(file, 'utf8')) }));

function installed(name: string) {
  return JSON.parse(
    fs.readFileSync(
      require.resolve(`${name}/package.json`, { paths: [root] }),
      'utf8',
    ),
  ).version as string;
}

describe.each(readers)('%s', reader => {
  const declared = manifests.flatMap(({ file, json }) =>
    ['dependencies', 'peerDependencies', 'devDependencies']
      .map(kind => json[kind]?.[reader] as string | undefined)
      .filter((range): range is string => !!range)
      .map(range => ({ package: path.relative(root, file), range })),
  );

  it('is declared by the packages that read specs', () => {
    expect(declared.length).toBeGreaterThan(0);
  });

  it('is declared as the exact version installed and tested', () => {
    const version = installed(reader);
    expect(declared.filter(d => d.range !== version)).toEqual([]);
  });
});
