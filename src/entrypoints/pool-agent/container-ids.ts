/**
 * The shapes of the ids the pool hands out (YARN's, e.g. `application_1700000000000_0001` and
 * `container_1700000000000_0001_01_000002`). They become directory names and URL segments on the
 * agent's host, and they arrive through Redis, so they are checked against these strict patterns
 * before anything is done with them: no dots, no slashes, bounded length.
 */

const CONTAINER_ID = /^container_[0-9]{1,20}_[0-9]{1,10}_[0-9]{2}_[0-9]{6,12}$/;
const APPLICATION_ID = /^application_[0-9]{1,20}_[0-9]{4,10}$/;

export function isContainerId(value: unknown): value is string {
  return typeof value === 'string' && CONTAINER_ID.test(value);
}

export function isApplicationId(value: unknown): value is string {
  return typeof value === 'string' && APPLICATION_ID.test(value);
}

/** How a container id looks, for messages. */
export const CONTAINER_ID_FORMAT = 'container_<epoch>_<application seq>_<attempt>_<seq>';
/** How an application id looks, for messages. */
export const APPLICATION_ID_FORMAT = 'application_<epoch>_<seq>';

/** A value for a message: strings quoted and cut short, with control characters escaped; other values as JSON. */
export function quoteForMessage(value: unknown): string {
  const cut = (text: string): string => (text.length > 80 ? `${text.slice(0, 80)}…` : text);
  if (typeof value === 'string') return JSON.stringify(cut(value));
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  return cut(JSON.stringify(value) ?? typeof value);
}
