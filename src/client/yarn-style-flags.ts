/**
 * yarn-session.sh's two-letter short options (`-nm`, `-jm`, `-tm`, `-id`, `-qu`), which oclif
 * cannot declare (a short flag is one character), as their long forms. `-nmfoo` and `-nm=foo`
 * work too. Used by `ssh-session` and `pool-session`.
 */
const YARN_STYLE_FLAGS: Readonly<Record<string, string>> = {
  '-nm': '--name',
  '-jm': '--jobManagerMemory',
  '-tm': '--taskManagerMemory',
  '-id': '--id',
  '-qu': '--queue',
};

export function expandYarnStyleFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const [index, arg] of argv.entries()) {
    if (arg === '--') {
      out.push(...argv.slice(index));
      break;
    }
    const long = YARN_STYLE_FLAGS[arg.slice(0, 3)];
    if (long === undefined) out.push(arg);
    else if (arg.length === 3) out.push(long);
    else out.push(`${long}=${arg.slice(arg.charAt(3) === '=' ? 4 : 3)}`);
  }
  return out;
}
