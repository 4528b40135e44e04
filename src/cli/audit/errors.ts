/**
 * The audit's errors people read: GitHub's 401, 403 and 404 answers (and the app not installed on
 * the organisation) turned into a sentence that says what to do.
 */
import { describeError, errorStatus } from '../../github/client.js';

/** The audit stopped before writing anything: `message` says why, for the user. */
export class AuditError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditError';
  }
}

/** The innermost error with an HTTP status (the reading code wraps GitHub's errors in its own). */
function statusOf(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 10; depth++) {
    const s = errorStatus(e);
    if (s !== undefined) return s;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function isRateLimit(err: unknown): boolean {
  return /rate limit/i.test(describeError(err));
}

/**
 * A sentence for an error met while reading `what` (such as "the repositories of acme") as
 * `who` ("the token in GITHUB_TOKEN", "the app's installation on acme").
 */
export function explain(err: unknown, what: string, who: string, org: string): AuditError {
  const status = statusOf(err);
  const detail = describeError(err);
  if (status === 401)
    return new AuditError(
      `GitHub refused ${who} (401 Bad credentials): it is wrong, expired or revoked; ` +
        `set a valid GITHUB_TOKEN, or APP_ID and PRIVATE_KEY of the app`,
      { cause: err },
    );
  if (status === 403 && !isRateLimit(err))
    return new AuditError(
      `${who} may not read ${what} (403: ${detail}); it needs read access to the ` +
        `organisation's repositories, pull requests and contents, and to its members`,
      { cause: err },
    );
  if (status === 404)
    return new AuditError(
      `GitHub found no ${what} (404): either ${org} does not exist or ${who} cannot see it; ` +
        `check the spelling of --org, and that the token or the app's installation covers ${org}`,
      { cause: err },
    );
  if (/is not installed on/.test(detail))
    return new AuditError(
      `the app is not installed on ${org}: install it on the organisation (every repository ` +
        `to audit), or use a GITHUB_TOKEN that can read it`,
      { cause: err },
    );
  return new AuditError(`could not read ${what}: ${detail}`, { cause: err });
}
