import { UrlReaderService, isChildPath } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  Entity,
  parseLocationRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  isError,
} from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { ANNOTATION_HANDOFF_SPEC } from '@handoff/backstage-plugin-handoff-common';
import { constants } from 'fs';
import fs from 'fs/promises';
import path from 'path';
import { Readable } from 'stream';

/**
 * The largest handoff.yaml read; anything bigger is refused as a mistake.
 *
 * @public
 */
export const MAX_SPEC_BYTES = 1024 * 1024;

/**
 * How long one spec read may take before it is abandoned.
 *
 * @public
 */
export const DEFAULT_READ_TIMEOUT_MS = 15_000;

/**
 * Where an entity's spec lives, and the source tree it must stay inside:
 * for a file: entity the folder of its catalog file, for a url: entity its
 * repository (or, on a host no integration describes, the catalog file's folder).
 *
 * @public
 */
export type SpecLocation = {
  type: 'file' | 'url';
  target: string;
  /** The entity's own source tree; the spec must resolve inside it. */
  root: string;
};

const isHttpUrl = (value: string) => /^https?:\/\//i.test(value);

/** The part of a URL path that names the repository, for the hosts whose layout is known. */
function repositoryRoot(url: URL, integrations: ScmIntegrationRegistry) {
  const segments = url.pathname.split('/').filter(Boolean);
  const type = integrations.byUrl(url.toString())?.type;
  if (type === 'gitlab') {
    const dash = segments.indexOf('-');
    if (dash > 0) return `/${segments.slice(0, dash).join('/')}/`;
  }
  if (type === 'azure') {
    const git = segments.indexOf('_git');
    if (git > 0 && segments[git + 1]) {
      return `/${segments.slice(0, git + 2).join('/')}/`;
    }
  }
  if (
    (type === 'github' || type === 'gitea' || type === 'bitbucketCloud') &&
    segments.length >= 2
  ) {
    return `/${segments.slice(0, 2).join('/')}/`;
  }
  // Unknown layout: the folder of the catalog file itself.
  return url.pathname.replace(/[^/]*$/, '');
}

function refuse(specPath: string, why: string): never {
  throw new NotAllowedError(
    `The spec ${JSON.stringify(specPath)} is not read: ${why}`,
  );
}

/**
 * Where an entity's spec lives: the annotation's value resolved against the
 * location the entity itself was read from. A spec that would resolve outside
 * the entity's own source tree (`..`, an absolute path, another host or
 * repository, a non-http scheme) is refused.
 *
 * @public
 */
export function resolveSpecLocation(
  entity: Entity,
  integrations: ScmIntegrationRegistry,
): SpecLocation {
  const annotations = entity.metadata.annotations ?? {};
  const specPath = annotations[ANNOTATION_HANDOFF_SPEC];
  if (!specPath) {
    throw new InputError(
      `The entity has no ${ANNOTATION_HANDOFF_SPEC} annotation`,
    );
  }
  if (specPath.includes('\0')) refuse(specPath, 'it contains a NUL byte');
  const ownLocation = annotations[ANNOTATION_LOCATION];
  if (!ownLocation) {
    throw new InputError(
      `The entity has no ${ANNOTATION_LOCATION} annotation to resolve ${specPath} against`,
    );
  }
  const { type, target } = parseLocationRef(ownLocation);
  if (type === 'file') {
    if (/^[a-z][a-z0-9+.-]*:/i.test(specPath)) {
      refuse(
        specPath,
        'an entity read from a file may only point at a file next to it',
      );
    }
    const root = path.dirname(path.resolve(target));
    const resolved = path.resolve(root, specPath);
    if (!isInside(root, resolved)) {
      refuse(specPath, `it is outside the entity's folder`);
    }
    return { type: 'file', target: resolved, root };
  }
  if (type === 'url') {
    if (/^[a-z][a-z0-9+.-]*:/i.test(specPath) && !isHttpUrl(specPath)) {
      refuse(specPath, 'only http and https URLs are read');
    }
    const base = new URL(target);
    const resolved = new URL(
      isHttpUrl(specPath)
        ? specPath
        : integrations.resolveUrl({ url: specPath, base: target }),
    );
    const root = repositoryRoot(base, integrations);
    if (
      resolved.origin !== base.origin ||
      !resolved.pathname.startsWith(root) ||
      !['http:', 'https:'].includes(resolved.protocol)
    ) {
      refuse(
        specPath,
        `it is outside the entity's repository ${base.origin}${root}`,
      );
    }
    return {
      type: 'url',
      target: resolved.toString(),
      root: `${base.origin}${root}`,
    };
  }
  throw new InputError(`Cannot read a spec next to a ${type}: location`);
}

/** Lexical containment (no file system access). */
function isInside(root: string, target: string) {
  const relative = path.relative(root, target);
  return (
    relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
  );
}

async function readCapped(
  chunks: AsyncIterable<Buffer | string>,
  what: string,
): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_SPEC_BYTES) {
      throw new InputError(`${what} is larger than 1 MB`);
    }
    parts.push(buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

async function readLocalFile(
  location: SpecLocation,
  signal: AbortSignal,
  previousStamp?: string,
): Promise<SpecFileRead> {
  // Missing, outside the folder after symlinks, hard-linked from elsewhere or
  // not a regular file: one answer, naming the path as the entity gives it,
  // so nobody learns the server's paths or which of its files exist.
  const named = `./${path.relative(location.root, location.target)}`;
  const none = () =>
    new NotFoundError(
      `No spec file ${named} in the entity's folder (a link out of the folder counts as none)`,
    );
  let real: string;
  try {
    real = await fs.realpath(location.target);
  } catch {
    throw none();
  }
  if (!isChildPath(location.root, real)) throw none();
  // O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: the
  // real path is opened, not a symlink swapped in since.
  const handle = await fs
    .open(
      real,
      constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW,
    )
    .catch(() => {
      throw none();
    });
  try {
    const stat = await handle.stat();
    // A second hard link may be a server file planted in the folder.
    if (!stat.isFile() || stat.nlink > 1) throw none();
    // Size, modification time and inode: unchanged means not read again.
    const stamp = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
    if (previousStamp === stamp) return { status: 'unchanged' };
    const content = await readCapped(
      handle.createReadStream({
        autoClose: false,
        highWaterMark: 64 * 1024,
        signal,
      } as Parameters<typeof handle.createReadStream>[0]),
      named,
    );
    return { status: 'read', content, fileStamp: stamp };
  } finally {
    await handle.close();
  }
}

/**
 * A spec read: its content with what identifies this version at its source
 * (the url's ETag, or the file's size, time and inode), or `unchanged` when
 * the source says it is the version read before.
 *
 * @public
 */
export type SpecFileRead =
  | { status: 'read'; content: string; etag?: string; fileStamp?: string }
  | { status: 'unchanged' };

/**
 * A spec read the host never answered within its time, or refused to
 * connect for: the host is down or hanging, not the spec wrong.
 *
 * @public
 */
export class SpecHostUnavailableError extends InputError {
  readonly host: string;
  constructor(host: string, message: string, cause?: Error) {
    super(message, cause);
    this.host = host;
  }
}

/**
 * Network failures that say the host did not answer, whatever the spec
 * (Backstage's URL readers pass fetch's "fetch failed" on without its code).
 */
const HOST_DOWN =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|UND_ERR_CONNECT_TIMEOUT|UND_ERR_SOCKET)\b|fetch failed/;

/**
 * The host a spec is read from (`git.example.com:8443`), or undefined for a
 * file.
 *
 * @public
 */
export function specHostOf(location: SpecLocation): string | undefined {
  if (location.type === 'file') return undefined;
  try {
    return new URL(location.target).host;
  } catch {
    return undefined;
  }
}

/**
 * Reads the spec file an entity points at, from disk or through the URL
 * reader: only regular files, at most 1 MB (counted while reading), and
 * abandoned after the timeout or when `signal` aborts. Given what identified
 * the version read before (`previous`), an unchanged source is not read again:
 * a url answers 304 to its ETag, a file keeps its size, time and inode.
 *
 * @public
 */
export async function readSpecFileIfChanged(
  location: SpecLocation,
  urlReader: UrlReaderService,
  options: {
    signal?: AbortSignal;
    timeoutMs?: number;
    previous?: { etag?: string; fileStamp?: string };
  } = {},
): Promise<SpecFileRead> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  // One controller, timer and listener per read, all released when the read
  // ends: a pass makes tens of thousands of reads under one long-lived
  // signal, and AbortSignal.timeout/any would keep each read's closures until
  // its timer fired (about 3 KB a read, held for the whole timeout).
  const controller = new AbortController();
  const { signal } = controller;
  let stop: (why: string, hostDown?: boolean) => void = () => {};
  const host = specHostOf(location);
  const timedOut = new Promise<never>((_, reject) => {
    stop = (why, hostDown) => {
      controller.abort();
      const message = `Reading ${location.target} ${why}`;
      reject(
        hostDown && host
          ? new SpecHostUnavailableError(host, message)
          : new InputError(message),
      );
    };
  });
  const cancelled = () => stop('was cancelled');
  const timer = setTimeout(
    () => stop(`took longer than ${Math.round(timeoutMs / 1000)} s`, true),
    timeoutMs,
  );
  if (options.signal?.aborted) cancelled();
  options.signal?.addEventListener('abort', cancelled, { once: true });
  const read = async (): Promise<SpecFileRead> => {
    if (location.type === 'file') {
      return readLocalFile(location, signal, options.previous?.fileStamp);
    }
    let response;
    try {
      response = await urlReader.readUrl(location.target, {
        signal,
        etag: options.previous?.etag,
      });
    } catch (error) {
      if (isError(error) && error.name === 'NotModifiedError') {
        return { status: 'unchanged' };
      }
      if (
        host &&
        isError(error) &&
        HOST_DOWN.test(
          `${error.message} ${String(
            (error as { code?: unknown }).code ?? '',
          )} ${String(error.cause ?? '')}`,
        )
      ) {
        throw new SpecHostUnavailableError(
          host,
          `Reading ${location.target} failed: ${error.message}`,
          error,
        );
      }
      throw error;
    }
    let content: string;
    if (response.stream) {
      const stream = response.stream();
      try {
        content = await readCapped(stream, location.target);
      } finally {
        stream.destroy();
      }
    } else {
      content = await readCapped(
        Readable.from([await response.buffer()]),
        location.target,
      );
    }
    return { status: 'read', content, etag: response.etag };
  };
  const reading = signal.aborted ? timedOut : read();
  reading.catch(() => {});
  timedOut.catch(() => {});
  try {
    return await Promise.race([reading, timedOut]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', cancelled);
  }
}

/**
 * Reads the spec file an entity points at, whatever it was before (see {@link readSpecFileIfChanged}).
 *
 * @public
 */
export async function readSpecFile(
  location: SpecLocation,
  urlReader: UrlReaderService,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<string> {
  const result = await readSpecFileIfChanged(location, urlReader, options);
  // Without a previous version nothing is unchanged.
  return result.status === 'read' ? result.content : '';
}
