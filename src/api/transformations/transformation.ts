import type { OutputTag } from '../common/output-tag.js';
import type { Source } from '../sources/source.js';
import type { StreamPartitioner } from '../partitioner/stream-partitioner.js';
import type { ChainingStrategy, StreamOperatorFactory } from '../operators/stream-operator.js';

/**
 * The logical plan the DataStream API builds, one node per API call (Flink's Transformation).
 * Partitioning, union and side outputs are "virtual": they become edge properties in the
 * StreamGraph, not operators.
 */
export type TransformationKind = 'source' | 'oneInput' | 'twoInput' | 'sink' | 'partition' | 'union' | 'sideOutput';

/** How the plan JSON (`flink-ts info`) labels a node. */
export type Pact = 'Data Source' | 'Operator' | 'Data Sink';

export abstract class Transformation<T = unknown> {
  declare readonly __type?: T;
  abstract readonly kind: TransformationKind;
  /** Parallelism as set by the user; undefined means the environment's default. */
  parallelism: number | undefined;
  maxParallelism: number | undefined;
  uid: string | undefined;
  slotSharingGroup: string | undefined;
  chainingStrategy: ChainingStrategy | undefined;
  bufferTimeout: number | undefined;

  constructor(
    readonly id: number,
    public name: string,
  ) {}

  abstract getInputs(): Transformation[];
}

export class SourceTransformation<T> extends Transformation<T> {
  readonly kind = 'source' as const;
  constructor(
    id: number,
    name: string,
    readonly source: Source<T>,
    readonly operatorFactory: StreamOperatorFactory,
  ) {
    super(id, name);
  }
  getInputs(): Transformation[] {
    return [];
  }
}

export class OneInputTransformation<IN, OUT> extends Transformation<OUT> {
  readonly kind: 'oneInput' | 'sink';
  constructor(
    id: number,
    name: string,
    readonly input: Transformation<IN>,
    readonly operatorFactory: StreamOperatorFactory,
    /** Present for operators on a keyed stream: their state and key context use it. */
    readonly keySelector?: (value: IN) => unknown,
    isSink = false,
  ) {
    super(id, name);
    this.kind = isSink ? 'sink' : 'oneInput';
  }
  getInputs(): Transformation[] {
    return [this.input];
  }
}

export class TwoInputTransformation<IN1, IN2, OUT> extends Transformation<OUT> {
  readonly kind = 'twoInput' as const;
  constructor(
    id: number,
    name: string,
    readonly input1: Transformation<IN1>,
    readonly input2: Transformation<IN2>,
    readonly operatorFactory: StreamOperatorFactory,
    readonly keySelector1?: (value: IN1) => unknown,
    readonly keySelector2?: (value: IN2) => unknown,
  ) {
    super(id, name);
  }
  getInputs(): Transformation[] {
    return [this.input1, this.input2];
  }
}

export class PartitionTransformation<T> extends Transformation<T> {
  readonly kind = 'partition' as const;
  constructor(
    id: number,
    readonly input: Transformation<T>,
    readonly partitioner: StreamPartitioner<T>,
  ) {
    super(id, 'Partition');
  }
  getInputs(): Transformation[] {
    return [this.input];
  }
}

export class UnionTransformation<T> extends Transformation<T> {
  readonly kind = 'union' as const;
  constructor(
    id: number,
    readonly inputs: Transformation<T>[],
  ) {
    super(id, 'Union');
  }
  getInputs(): Transformation[] {
    return this.inputs;
  }
}

export class SideOutputTransformation<T> extends Transformation<T> {
  readonly kind = 'sideOutput' as const;
  constructor(
    id: number,
    readonly input: Transformation,
    readonly tag: OutputTag<T>,
  ) {
    super(id, 'SideOutput');
  }
  getInputs(): Transformation[] {
    return [this.input];
  }
}
