/* eslint-disable no-restricted-syntax */
// OpenTelemetry for the example backend, loaded before it starts
// (`--require ./src/instrumentation.js`), as Backstage's OpenTelemetry
// tutorial sets it up: the metrics of Backstage and of Handoff are served for
// Prometheus at http://127.0.0.1:9464/metrics. HANDOFF_METRICS_PORT and
// HANDOFF_METRICS_HOST move it; HANDOFF_METRICS_PORT=0 turns it off.
const { isMainThread } = require('worker_threads');

const port = Number(process.env.HANDOFF_METRICS_PORT ?? 9464);
// Worker threads (the spec parser's) inherit --require: one exporter a process.
if (isMainThread && port > 0) {
  const { metrics } = require('@opentelemetry/api');
  const { MeterProvider } = require('@opentelemetry/sdk-metrics');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
  const exporter = new PrometheusExporter(
    { host: process.env.HANDOFF_METRICS_HOST ?? '127.0.0.1', port },
    error => {
      if (error) {
        console.warn(
          `Metrics are not served: port ${port} could not be opened (${error.message}); set HANDOFF_METRICS_PORT to another port`,
        );
      }
    },
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
}
