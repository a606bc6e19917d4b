// The folders of the packages Handoff publishes: every workspace that is not
// private (the example app and backend, the tests and benchmarks are).
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
for (const parent of ['plugins', 'packages']) {
  for (const name of fs.readdirSync(path.join(root, parent)).sort()) {
    const file = path.join(root, parent, name, 'package.json');
    if (fs.existsSync(file) && !JSON.parse(fs.readFileSync(file)).private) {
      process.stdout.write(`${parent}/${name}\n`);
    }
  }
}
