/**
 * Matches request paths against patterns such as `/jobs/:jobid/vertices/:vertexid`. Tells an
 * unknown path (404) from a known path with the wrong method (405, with the allowed methods).
 * A static segment wins over a parameter, so `/jobs/overview` is never read as a job id.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export type RouteMatch<H> =
  | { readonly kind: 'found'; readonly handler: H; readonly params: Readonly<Record<string, string>>; readonly pattern: string }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly HttpMethod[] }
  | { readonly kind: 'not-found' };

interface Route<H> {
  readonly method: HttpMethod;
  readonly pattern: string;
  readonly segments: readonly Segment[];
  readonly handler: H;
}

type Segment = { readonly kind: 'static'; readonly value: string } | { readonly kind: 'param'; readonly name: string };

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  /** Adds a route. @throws Error when the same method and pattern are registered twice. */
  add(method: HttpMethod, pattern: string, handler: H): this {
    const segments = parsePattern(pattern);
    if (this.routes.some((r) => r.method === method && sameShape(r.segments, segments))) {
      throw new Error(`Route ${method} ${pattern} is already registered.`);
    }
    this.routes.push({ method, pattern, segments, handler });
    return this;
  }

  /**
   * Finds the route of `path` (already decoded into segments by the caller, see
   * {@link splitPath}) for `method`.
   */
  match(method: string, segments: readonly string[]): RouteMatch<H> {
    let best: { route: Route<H>; params: Record<string, string> }[] = [];
    let bestScore: number[] | undefined;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (params === undefined) continue;
      const score = route.segments.map((s) => (s.kind === 'static' ? 1 : 0));
      const order = bestScore === undefined ? 1 : compareScores(score, bestScore);
      if (order > 0) {
        best = [{ route, params }];
        bestScore = score;
      } else if (order === 0) {
        best.push({ route, params });
      }
    }
    if (best.length === 0) return { kind: 'not-found' };
    const hit = best.find((b) => b.route.method === method);
    if (hit === undefined) return { kind: 'method-not-allowed', allowed: best.map((b) => b.route.method) };
    return { kind: 'found', handler: hit.route.handler, params: hit.params, pattern: hit.route.pattern };
  }
}

/**
 * Splits a URL path into decoded segments; a trailing slash is ignored.
 * @returns undefined when a segment is not valid percent-encoding.
 */
export function splitPath(path: string): string[] | undefined {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const raw = trimmed.split('/').slice(1);
  try {
    return raw.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

function parsePattern(pattern: string): Segment[] {
  if (!pattern.startsWith('/')) throw new Error(`Route pattern '${pattern}' must start with '/'.`);
  return pattern
    .split('/')
    .slice(1)
    .map((part) => (part.startsWith(':') ? { kind: 'param', name: part.slice(1) } : { kind: 'static', value: part }));
}

function matchSegments(pattern: readonly Segment[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as Segment;
    const s = segments[i] as string;
    if (p.kind === 'static') {
      if (p.value !== s) return undefined;
    } else {
      // An empty segment (`/jobs//status`) is no id at all: not this route.
      if (s.length === 0) return undefined;
      params[p.name] = s;
    }
  }
  return params;
}

function sameShape(a: readonly Segment[], b: readonly Segment[]): boolean {
  return a.length === b.length && a.every((s, i) => {
    const t = b[i] as Segment;
    return s.kind === t.kind && (s.kind === 'param' || (t.kind === 'static' && s.value === t.value));
  });
}

// Lexicographic: the first segment where one pattern is static and the other a parameter decides.
function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
