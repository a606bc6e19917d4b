import {
  HttpAuthService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';

/** How many of each costly request one caller may make a minute, per replica. */
export type RateLimits = {
  /** Check results posted by one credential (a CI job's token, a person). */
  checksPerMinute: number;
  /** "Read now" of one capability's spec by one caller. */
  refreshesPerMinute: number;
};

/** `handoff.rateLimits`, with defaults a busy CI pipeline stays well under. */
export function readRateLimits(config: RootConfigService): RateLimits {
  return {
    checksPerMinute:
      config.getOptionalNumber('handoff.rateLimits.checksPerMinute') ?? 600,
    refreshesPerMinute:
      config.getOptionalNumber('handoff.rateLimits.refreshesPerMinute') ?? 6,
  };
}

/**
 * A limit per caller (the credential's user or service), or per caller and
 * capability: past it, 429 with `Retry-After` and the reason in words, and
 * the request costs nothing more. The count is kept in memory, per replica.
 */
export function perCaller(options: {
  httpAuth: HttpAuthService;
  limit: number;
  /** What is counted, as the refusal says it: "check results". */
  what: string;
  perCapability?: boolean;
  /** Who is counted, when not the Backstage caller (a check credential). */
  keyOf?: (req: Request) => string;
}): RequestHandler {
  const { httpAuth, limit, what, perCapability, keyOf } = options;
  const windowMs = 60_000;
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // The caller, not the address: many CI jobs share a NAT, and one
    // credential may post from many runners.
    keyGenerator: async (req: Request) => {
      if (keyOf) return keyOf(req);
      const { principal } = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const who =
        principal.type === 'user' ? principal.userEntityRef : principal.subject;
      if (!perCapability) return who;
      const { kind, namespace, name } = req.params;
      return `${who}\n${kind}/${namespace}/${name}`.toLocaleLowerCase('en-US');
    },
    handler: (req, res) => {
      const retryAfter = Number(res.getHeader('Retry-After') ?? 60);
      res.status(429).json({
        error: {
          name: 'TooManyRequestsError',
          message: `Too many ${what}: at most ${limit} a minute${
            perCapability ? ' for each capability' : ''
          }. Try again in ${retryAfter} seconds.`,
        },
        request: { method: req.method, url: req.originalUrl },
        response: { statusCode: 429 },
      });
    },
  });
}
