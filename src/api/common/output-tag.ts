/**
 * Names a side output. Two tags are the same side output iff their ids are equal, so a tag
 * created twice with the same id (for example in two workers re-running the job) still matches.
 */
export class OutputTag<T> {
  declare readonly __type?: T;
  constructor(readonly id: string) {
    if (id.length === 0) throw new TypeError('OutputTag id must not be empty.');
  }
  toString(): string {
    return `OutputTag(${this.id})`;
  }
}
