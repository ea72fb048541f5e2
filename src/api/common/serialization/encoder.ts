/**
 * Turns a record into the text a row-format file sink appends to a part file. The result must
 * carry its own record separator (usually `\n`): the sink writes it verbatim.
 */
export interface Encoder<T> {
  encode(value: T): string;
}
