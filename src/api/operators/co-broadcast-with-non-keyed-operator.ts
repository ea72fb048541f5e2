import type { OutputTag } from '../common/output-tag.js';
import type {
  BroadcastProcessContext,
  BroadcastProcessFunction,
  BroadcastProcessReadOnlyContext,
} from '../functions/broadcast-process-function.js';
import type { MapStateDescriptor } from '../state/state-descriptor.js';
import type { BroadcastState, ReadOnlyBroadcastState } from '../state/state.js';
import type { StreamOperatorStateContext } from '../state/operator-state-context.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { TimestampedCollector } from './abstract-stream-operator.js';
import { BroadcastStates } from './broadcast-states.js';
import { AbstractTwoInputOperator } from './co-operators.js';

/**
 * Runs a BroadcastProcessFunction (Flink's CoBroadcastWithNonKeyedOperator): input 1 is this
 * subtask's share of the non-broadcast stream, input 2 every element of the broadcast stream.
 */
export class CoBroadcastWithNonKeyedOperator<IN1, IN2, OUT> extends AbstractTwoInputOperator<IN1, IN2, OUT> {
  private collector!: TimestampedCollector<OUT>;
  private readonly states: BroadcastStates;
  private readonly readOnlyContext: ReadOnlyContext;
  private readonly context: Context;

  constructor(
    private readonly fn: Pick<BroadcastProcessFunction<IN1, IN2, OUT>, 'processElement' | 'processBroadcastElement'>,
    descriptors: readonly MapStateDescriptor<unknown, unknown>[],
  ) {
    super(fn);
    this.states = new BroadcastStates(descriptors);
    this.readOnlyContext = new ReadOnlyContext(this);
    this.context = new Context(this);
  }

  override async initializeState(context: StreamOperatorStateContext): Promise<void> {
    await super.initializeState(context);
    this.states.initialize(context.operatorStateBackend);
  }

  override async open(): Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    await super.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    this.collector.timestamp = this.readOnlyContext.timestampValue = timestamp;
    this.fn.processElement(value, this.readOnlyContext, this.collector);
  }

  processElement2(value: IN2, timestamp: number): void {
    this.collector.timestamp = this.context.timestampValue = timestamp;
    this.fn.processBroadcastElement(value, this.context, this.collector);
  }

  /** Exposed to the contexts; not part of the operator contract. */
  broadcastStates(): BroadcastStates {
    return this.states;
  }
  emitSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    this.output.collectSide(tag, value, timestamp);
  }
  watermark(): number {
    return this.currentWatermark;
  }
  now(): number {
    return this.setupInfo.services.processingTime();
  }
}

/** What both sides' contexts share: the record's timestamp, side outputs and clocks. */
abstract class BaseContext {
  timestampValue = NO_TIMESTAMP;

  constructor(protected readonly operator: CoBroadcastWithNonKeyedOperator<never, never, unknown>) {}

  timestamp(): number | undefined {
    return this.timestampValue === NO_TIMESTAMP ? undefined : this.timestampValue;
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.operator.emitSide(tag, value, this.timestampValue);
  }
  currentProcessingTime(): number {
    return this.operator.now();
  }
  currentWatermark(): number {
    return this.operator.watermark();
  }
}

class ReadOnlyContext extends BaseContext implements BroadcastProcessReadOnlyContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V> {
    return this.operator.broadcastStates().getReadOnly(descriptor);
  }
}

class Context extends BaseContext implements BroadcastProcessContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V> {
    return this.operator.broadcastStates().get(descriptor);
  }
}
