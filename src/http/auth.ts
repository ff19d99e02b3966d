// Bearer-token check for every request when a token is configured. Both sides are hashed first,
// so the comparison takes the same time whatever the length or content of the guess.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** A checker for `Authorization` header values; null token = every request is allowed. */
export function bearerChecker(token: string | null): (header: string | undefined) => boolean {
  if (token === null) return () => true;
  const expected = digest(token);
  return (header) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
    // Compare even when the header is absent or malformed, so the timing says nothing either.
    const same = timingSafeEqual(digest(match?.[1] ?? ''), expected);
    return match !== null && same;
  };
}
