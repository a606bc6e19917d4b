import { Link } from '@backstage/core-components';
import { ReactNode } from 'react';

/** The URL when it is http or https; anything else (javascript:, data:, file:) is not a link. */
export function httpHref(url: string): string | undefined {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A link to an http or https URL. Stored data may hold any text: anything
 * else is shown as plain text, never rendered as a link (and never breaks the card).
 */
export function SafeLink(props: { url: string; children?: ReactNode }) {
  const href = httpHref(props.url);
  if (!href)
    return (
      <span title="Not an http or https link">
        {props.children ?? props.url}
      </span>
    );
  return <Link to={href}>{props.children ?? props.url}</Link>;
}
