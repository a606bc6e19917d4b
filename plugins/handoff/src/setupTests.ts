import '@testing-library/jest-dom';

// jsdom measures nothing: charts (recharts' ResponsiveContainer) need a
// ResizeObserver to mount, and draw at zero size.
class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as any).ResizeObserver ??= NoResizeObserver;
