/*
 * Git hosts for the fault suite: a local HTTP server serving a catalog file
 * and the handoff specs next to it, with ETags (304 to a matching
 * If-None-Match), optionally never answering spec requests at all.
 */
import http from 'http';
import { AddressInfo } from 'net';
import { capabilityYaml } from './workload';

export class SpecHost {
  private server?: http.Server;
  readonly specs = new Map<string, string>();
  /** Spec requests by name, and how many were answered 304. */
  readonly asked = new Map<string, number>();
  notModified = 0;
  port = 0;

  constructor(
    private readonly options: {
      prefix: string;
      count: number;
      hang?: boolean;
      spec: string;
    },
  ) {
    for (let i = 0; i < options.count; i++) {
      this.specs.set(this.name(i), options.spec);
    }
  }

  name(i: number) {
    return `${this.options.prefix}-${String(i).padStart(4, '0')}`;
  }

  get host() {
    return `127.0.0.1:${this.port}`;
  }

  get catalogUrl() {
    return `http://${this.host}/catalog.yaml`;
  }

  refs() {
    return [...this.specs.keys()].map(n => `component:default/${n}`);
  }

  private catalog() {
    return [...this.specs.keys()].map(n => capabilityYaml(n)).join('\n---\n');
  }

  async start() {
    this.server = http.createServer((req, res) => {
      if (req.url === '/catalog.yaml') {
        res.writeHead(200, { 'Content-Type': 'text/yaml' });
        res.end(this.catalog());
        return;
      }
      const name = /^\/specs\/([^/]+)\.yaml$/.exec(req.url ?? '')?.[1];
      const text = name && this.specs.get(name);
      if (!name || text === undefined) {
        res.writeHead(404).end();
        return;
      }
      this.asked.set(name, (this.asked.get(name) ?? 0) + 1);
      if (this.options.hang) return; // accepts, never answers
      const etag = `"${text.length}-${Buffer.from(text)
        .toString('base64')
        .slice(-12)}"`;
      if (req.headers['if-none-match'] === etag) {
        this.notModified += 1;
        res.writeHead(304, { ETag: etag }).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/yaml', ETag: etag });
      res.end(text);
    });
    await new Promise<void>(r => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  requests() {
    return [...this.asked.values()].reduce((a, b) => a + b, 0);
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise(r => this.server?.close(r));
  }
}
