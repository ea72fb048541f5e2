import type { Encoder } from './encoder.js';
import { formatValue } from '../../../core/format-value.js';

/** Writes each record as its printed form (as `print()` shows it) followed by `\n`. */
export class SimpleStringEncoder<T> implements Encoder<T> {
  encode(value: T): string {
    return `${formatValue(value)}\n`;
  }
}
