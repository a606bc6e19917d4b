import { HostCircuits } from './HostCircuits';

describe('HostCircuits', () => {
  let now = 0;
  const circuits = () =>
    new HostCircuits({ coolDownMs: 1000, maxCoolDownMs: 3000, now: () => now });
  beforeEach(() => {
    now = 0;
  });

  it('opens after two reads in a row the host did not answer, and a read it answers resets the count', () => {
    const c = circuits();
    expect(c.didNotAnswer('a.example')).toBe(false);
    c.answered('a.example');
    expect(c.didNotAnswer('a.example')).toBe(false);
    expect(c.mayRead('a.example')).toBe(true);
    expect(c.didNotAnswer('a.example')).toBe(true);
    expect(c.mayRead('a.example')).toBe(false);
    // Other hosts and files are not held back.
    expect(c.mayRead('b.example')).toBe(true);
    expect(c.mayRead(undefined)).toBe(true);
    expect(c.states()).toEqual([
      {
        host: 'a.example',
        state: 'open',
        failures: 2,
        retryAt: new Date(1000).toISOString(),
      },
    ]);
  });

  it('lets one read try the host after the cool-down, closes when it answers, and waits twice as long (up to the limit) when it does not', () => {
    const c = circuits();
    c.didNotAnswer('a.example');
    c.didNotAnswer('a.example');
    now = 1000;
    expect(c.states()[0].state).toBe('half-open');
    expect(c.mayRead('a.example')).toBe(true);
    // Only one probe at a time.
    expect(c.mayRead('a.example')).toBe(false);
    expect(c.didNotAnswer('a.example')).toBe(false);
    expect(c.retryAt('a.example')).toEqual(new Date(1000 + 2000));
    now = 3000;
    expect(c.mayRead('a.example')).toBe(true);
    c.didNotAnswer('a.example');
    expect(c.retryAt('a.example')).toEqual(new Date(3000 + 3000));
    now = 6000;
    expect(c.mayRead('a.example')).toBe(true);
    c.answered('a.example');
    expect(c.states()).toEqual([]);
    expect(c.mayRead('a.example')).toBe(true);
  });

  it('ranks hosts that answered first and held-back hosts last', () => {
    const c = circuits();
    c.didNotAnswer('slow.example');
    c.didNotAnswer('down.example');
    c.didNotAnswer('down.example');
    // Sorted by rank: 0 first (answered, or a file with no host), 2 last.
    expect(
      ['down.example', 'slow.example', 'ok.example', undefined].map(h =>
        c.rank(h),
      ),
    ).toEqual([2, 1, 0, 0]);
  });
});
