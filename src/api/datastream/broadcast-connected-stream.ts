import type { StreamExecutionEnvironment } from '../environment/stream-execution-environment.js';
import type { StreamOperatorFactory } from '../operators/stream-operator.js';
import type { KeyedBroadcastProcessFunctionLike } from '../operators/co-broadcast-with-keyed-operator.js';
import type { BroadcastStream } from './broadcast-stream.js';
import type { DataStream, SingleOutputStreamOperator } from './data-stream.js';
import { BroadcastProcessFunction } from '../functions/broadcast-process-function.js';
import { KeyedBroadcastProcessFunction } from '../functions/keyed-broadcast-process-function.js';
import { CoBroadcastWithKeyedOperator } from '../operators/co-broadcast-with-keyed-operator.js';
import { CoBroadcastWithNonKeyedOperator } from '../operators/co-broadcast-with-non-keyed-operator.js';
import { SimpleOperatorFactory } from '../operators/simple-operator-factory.js';

/**
 * Adds the two-input operator to the job graph and wraps it as a stream. DataStream hands this in
 * so that this module needs no value import of data-stream.ts (which imports this one).
 */
export type AddTwoInputOperator<IN1, IN2> = <R>(
  name: string,
  factory: StreamOperatorFactory,
  keySelector1: ((value: IN1) => unknown) | undefined,
  input2: BroadcastStream<IN2>,
) => SingleOutputStreamOperator<R>;

/**
 * A stream, keyed or not, connected with a broadcast stream (Flink's BroadcastConnectedStream).
 * `process` runs a KeyedBroadcastProcessFunction when the first stream is keyed and a
 * BroadcastProcessFunction otherwise.
 */
export class BroadcastConnectedStream<IN1, IN2> {
  constructor(
    private readonly environment: StreamExecutionEnvironment,
    private readonly first: DataStream<IN1>,
    private readonly keySelector: ((value: IN1) => unknown) | undefined,
    private readonly second: BroadcastStream<IN2>,
    private readonly addOperator: AddTwoInputOperator<IN1, IN2>,
  ) {}

  getExecutionEnvironment(): StreamExecutionEnvironment {
    return this.environment;
  }
  getFirstInput(): DataStream<IN1> {
    return this.first;
  }
  getSecondInput(): BroadcastStream<IN2> {
    return this.second;
  }

  process<K, R>(fn: KeyedBroadcastProcessFunction<K, IN1, IN2, R>): SingleOutputStreamOperator<R>;
  process<R>(fn: BroadcastProcessFunction<IN1, IN2, R>): SingleOutputStreamOperator<R>;
  process<R>(
    fn: KeyedBroadcastProcessFunction<unknown, IN1, IN2, R> | BroadcastProcessFunction<IN1, IN2, R>,
  ): SingleOutputStreamOperator<R> {
    const descriptors = this.second.getBroadcastStateDescriptors();
    const keyed = this.keySelector !== undefined;
    if (fn instanceof KeyedBroadcastProcessFunction && !keyed) {
      throw new TypeError(
        'A KeyedBroadcastProcessFunction can only be used on a keyed stream: call keyBy(...) before connect(broadcastStream), ' +
          'or use a BroadcastProcessFunction.',
      );
    }
    if (fn instanceof BroadcastProcessFunction && keyed) {
      throw new TypeError(
        'A BroadcastProcessFunction can only be used on a non-keyed stream: on a keyed stream use a KeyedBroadcastProcessFunction.',
      );
    }
    if (keyed) {
      const keyedFn = fn as KeyedBroadcastProcessFunctionLike<unknown, IN1, IN2, R>;
      return this.addOperator(
        'Co-Process-Broadcast-Keyed',
        new SimpleOperatorFactory(() => new CoBroadcastWithKeyedOperator(keyedFn, descriptors)),
        this.keySelector,
        this.second,
      );
    }
    const nonKeyedFn = fn as Pick<BroadcastProcessFunction<IN1, IN2, R>, 'processElement' | 'processBroadcastElement'>;
    return this.addOperator(
      'Co-Process-Broadcast',
      new SimpleOperatorFactory(() => new CoBroadcastWithNonKeyedOperator(nonKeyedFn, descriptors)),
      undefined,
      this.second,
    );
  }
}
