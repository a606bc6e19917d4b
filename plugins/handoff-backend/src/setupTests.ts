import { forgetSpecFacts } from './database/validSpecs';

// Tests reuse entity refs on fresh databases: no spec is remembered across them.
afterEach(() => forgetSpecFacts());
