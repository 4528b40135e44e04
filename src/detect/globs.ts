import { Minimatch } from 'minimatch';

/**
 * Compiles identity globs (policy `detection.co_authors`) once. A glob matches an identity when it
 * matches the whole `Name <email>`, the email alone or the name alone, case-insensitively.
 */
export function compileIdentityGlobs(
  globs: readonly string[],
): (name: string, email: string) => string | null {
  const compiled = globs.map((g) => ({
    glob: g,
    re: new Minimatch(g, { nocase: true, dot: true, noext: true, nocomment: true }).makeRe(),
  }));
  return (name, email) => {
    const whole = email ? `${name} <${email}>` : name;
    for (const { glob, re } of compiled) {
      if (re === false) continue;
      if (re.test(whole) || (email && re.test(email)) || (name && re.test(name))) return glob;
    }
    return null;
  };
}
