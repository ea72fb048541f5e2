import type { ListState } from '../../api/state/state.js';
import type { OperatorStateMode } from '../checkpoint/checkpoint-metadata.js';

/**
 * An operator list state (Flink's PartitionableListState): one list per operator instance. Its
 * mode says how the JobMaster redistributes it on restore: SPLIT_DISTRIBUTE splits the union of
 * all old lists, UNION gives every subtask the whole union.
 */
export class PartitionableListState<T> implements ListState<T> {
  private list: T[] = [];

  constructor(
    readonly name: string,
    readonly mode: Exclude<OperatorStateMode, 'BROADCAST'>,
  ) {}

  /** A copy, so adding while iterating what was returned is safe. */
  get(): Iterable<T> {
    return this.list.slice();
  }

  add(value: T): void {
    checkElement(value, this.name);
    this.list.push(value);
  }

  addAll(values: Iterable<T>): void {
    const added = Array.from(values);
    for (const value of added) checkElement(value, this.name);
    for (const value of added) this.list.push(value);
  }

  update(values: Iterable<T>): void {
    const list = Array.from(values);
    for (const value of list) checkElement(value, this.name);
    this.list = list;
  }

  clear(): void {
    this.list = [];
  }

  /** The elements a snapshot writes. */
  snapshotElements(): readonly T[] {
    return this.list;
  }

  /** Appends restored elements (pieces arrive in old-subtask order). */
  restoreElements(elements: readonly unknown[]): void {
    for (const element of elements) this.list.push(element as T);
  }
}

function checkElement(value: unknown, stateName: string): void {
  if (value === null || value === undefined) {
    throw new TypeError(`You cannot add null to a ListState (operator state '${stateName}').`);
  }
}
