import { EventRandom } from './event-random.js';

/**
 * Random strings of the generator (Nexmark's StringsGenerator): short words with an occasional
 * separator for names, descriptions, e-mails and urls, and exact-length lowercase padding for
 * `extra`.
 */
const MIN_STRING_LENGTH = 3;

/**
 * Lowercase letters drawn once from a fixed seed. `extra` padding is a slice of it at a random
 * offset: as random as drawing every letter, but O(1) per event (V8 slices without copying), and
 * padding is 70 % of a bid.
 */
const POOL_LENGTH = 1 << 16;
const POOL = ((): string => {
  const random = new EventRandom();
  random.seed(0x6e65786d);
  const codes = new Array<number>(POOL_LENGTH);
  for (let i = 0; i < POOL_LENGTH; i++) codes[i] = 97 + random.nextInt(26);
  let text = '';
  for (let i = 0; i < POOL_LENGTH; i += 4096) text += String.fromCharCode(...codes.slice(i, i + 4096));
  return text;
})();

/** A string of 3 to `maxLength - 1` characters: letters, and `special` with probability 1/13; trimmed. */
export function nextString(random: EventRandom, maxLength: number, special = ' '): string {
  let length = MIN_STRING_LENGTH + random.nextInt(maxLength - MIN_STRING_LENGTH);
  let text = '';
  while (length-- > 0) text += random.nextInt(13) === 0 ? special : String.fromCharCode(97 + random.nextInt(26));
  return text.trim();
}

/** Exactly `length` lowercase letters. */
export function nextExactString(random: EventRandom, length: number): string {
  const offset = random.nextInt(POOL_LENGTH - length);
  return POOL.substring(offset, offset + length);
}

/** Padding so that `currentSize` plus its length averages `averageSize` (±20 %); empty when already larger. */
export function nextExtra(random: EventRandom, currentSize: number, averageSize: number): string {
  if (currentSize > averageSize) return '';
  const desired = averageSize - currentSize;
  const delta = Math.round(desired * 0.2);
  const size = desired - delta + (delta === 0 ? 0 : random.nextInt(2 * delta));
  return nextExactString(random, size);
}
