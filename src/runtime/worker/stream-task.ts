import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { StreamGraph } from '../../api/graph/stream-graph.js';
import type { OneInputStreamOperator, OperatorServices, TwoInputStreamOperator } from '../../api/operators/stream-operator.js';
import type { AccumulatorSnapshot } from '../../api/common/accumulators.js';
import type { SerializedThrowable } from '../../core/errors.js';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';
import type { ExecutionState } from '../executiongraph/execution-state.js';
import type { NetworkEnvironment } from '../network/network-environment.js';
import type { GateEvent } from '../network/input-gate.js';
import type { DataBuffer } from '../network/buffer.js';
import { SourceOperator } from '../../api/operators/source-operator.js';
import { NO_TIMESTAMP } from '../../api/common/records.js';
import { serializeError } from '../../core/errors.js';
import { ResultPartition } from '../network/result-partition.js';
import { InputGate } from '../network/input-gate.js';
import { LocalInputChannel } from '../network/local-input-channel.js';
import { FloatingBufferPool, RemoteInputChannel } from '../network/remote-input-channel.js';
import { addressKey } from '../network/network-messages.js';
import { END_OF_PARTITION, MAX_WATERMARK } from '../network/buffer.js';
import { OperatorChain } from './operator-chain.js';
import { wrapOperatorError } from './operator-exception.js';
import { taskNameWithSubtasks } from '../deployment/task-deployment-descriptor.js';
import { TaskMetrics } from './task-metrics.js';
import type { TaskMetricsSnapshot } from './task-metrics.js';

export interface TaskStateReport {
  readonly state: ExecutionState;
  readonly error?: SerializedThrowable;
  readonly accumulators?: AccumulatorSnapshot[];
  /** With the terminal states: the final counts, which no later heartbeat would carry. */
  readonly metrics?: TaskMetricsSnapshot;
}

class TaskCanceledError extends Error {}

/** How long a task may run records before it lets timers and messages of its worker run. */
const YIELD_INTERVAL_MS = 5;

/**
 * One subtask attempt (Flink's StreamTask): sets up partitions, gates and the operator chain,
 * then runs a loop that processes input (or polls the source) as long as its outputs have room,
 * and waits for input, room or cancellation otherwise. All tasks of a slot share the worker's
 * event loop, so the loop yields regularly.
 */
export class StreamTask {
  private canceled = false;
  private wake: (() => void) | undefined;
  private readonly partitions = new Map<string, ResultPartition>();
  private readonly gates: InputGate[][] = [[], []];
  private chain: OperatorChain | undefined;
  private flusher: NodeJS.Timeout | undefined;
  private lastYield = performance.now();
  private accumulators: OperatorChain['accumulators'] = new Map();
  /** Kept apart from the chain, which is dropped at close: the final report still counts their records. */
  private writers: OperatorChain['writers'] = [];
  private readonly metrics: TaskMetrics;

  constructor(
    private readonly tdd: TaskDeploymentDescriptor,
    private readonly graph: StreamGraph,
    private readonly network: NetworkEnvironment,
    private readonly services: OperatorServices,
    private readonly report: (report: TaskStateReport) => void,
  ) {
    this.metrics = new TaskMetrics(tdd.attemptId);
  }

  metricsSnapshot(): TaskMetricsSnapshot {
    let out = 0;
    for (const w of this.writers) out += w.emitted;
    this.metrics.numRecordsOut = Math.max(this.metrics.numRecordsOut, out);
    let bytesOut = 0;
    for (const p of this.partitions.values()) for (const s of p.subpartitions) bytesOut += s.bytesSent;
    this.metrics.numBytesOut = bytesOut;
    let bytesIn = 0;
    for (const inputs of this.gates) for (const gate of inputs) bytesIn += gate.bytesReceived();
    this.metrics.numBytesIn = bytesIn;
    return this.metrics.snapshot();
  }

  get name(): string {
    return taskNameWithSubtasks(this.tdd);
  }

  cancel(): void {
    this.canceled = true;
    for (const p of this.partitions.values()) p.release();
    this.wakeUp();
  }

  /** Runs the task to a terminal state and reports every state change. Never throws. */
  async invoke(): Promise<void> {
    this.report({ state: 'INITIALIZING' });
    try {
      this.setUp();
      const chain = this.chain as OperatorChain;
      for (let i = chain.operators.length - 1; i >= 0; i--) {
        try {
          await chain.operators[i]?.open();
        } catch (e) {
          throw wrapOperatorError(e, chain.names[i] as string);
        }
      }
      this.checkCanceled();
      this.report({ state: 'RUNNING' });
      this.startFlusher();
      for (const inputs of this.gates) for (const gate of inputs) gate.requestPartitions();
      if (chain.head instanceof SourceOperator) await this.runSource(chain.head);
      else await this.runInputs();
      await this.finishOperators();
      this.stopFlusher();
      for (const p of this.partitions.values()) {
        p.flushAll();
        p.broadcastEvent(END_OF_PARTITION);
      }
      await this.closeOperators();
      this.report({ state: 'FINISHED', accumulators: this.accumulatorSnapshots(), metrics: this.metricsSnapshot() });
    } catch (e) {
      this.stopFlusher();
      await this.closeOperators().catch(() => undefined);
      this.releaseInputs();
      if (this.canceled) {
        this.report({ state: 'CANCELED', accumulators: this.accumulatorSnapshots(), metrics: this.metricsSnapshot() });
      } else {
        const error = wrapOperatorError(e, this.chain?.headName ?? this.tdd.vertex.name);
        error.message = `${error.message} (task ${this.name})`;
        this.report({ state: 'FAILED', error: serializeError(error), accumulators: this.accumulatorSnapshots(), metrics: this.metricsSnapshot() });
      }
    }
  }

  private setUp(): void {
    const net = this.tdd.network;
    for (const p of this.tdd.producedPartitions) {
      const partition = new ResultPartition(
        p.partitionId,
        p.numberOfSubpartitions,
        net.buffersPerChannel,
        net.floatingBuffersPerGate,
        net.maxBuffersPerChannel,
      );
      this.partitions.set(p.partitionId, partition);
    }
    this.chain = new OperatorChain(this.tdd, this.graph, this.partitions, this.services);
    this.accumulators = this.chain.accumulators;
    this.writers = this.chain.writers;
    for (const partition of this.partitions.values()) this.network.registerPartition(partition);

    const self = addressKey(this.tdd.location);
    for (const [g, gateDescriptor] of this.tdd.inputGates.entries()) {
      const inputIndex = gateDescriptor.typeNumber === 2 ? 1 : 0;
      const gate = new InputGate(() => this.wakeUp());
      const floating = new FloatingBufferPool(net.floatingBuffersPerGate);
      for (const [c, ch] of gateDescriptor.channels.entries()) {
        if (addressKey(ch.producer) === self) {
          gate.addChannel(new LocalInputChannel(c, gate, (channel) => this.network.connectLocal(channel, ch.partitionId, ch.subpartitionIndex)));
        } else {
          const receiverId = `${this.tdd.attemptId}:${g}:${c}`;
          const channel = new RemoteInputChannel(c, receiverId, ch.partitionId, ch.subpartitionIndex, net.buffersPerChannel, floating, gate, this.network);
          this.network.registerRemoteChannel(channel, ch.producer);
          gate.addChannel(channel);
        }
      }
      (this.gates[inputIndex] as InputGate[]).push(gate);
    }
  }

  private async runSource(source: SourceOperator<unknown>): Promise<void> {
    for (;;) {
      this.checkCanceled();
      if (!this.outputsAvailable()) {
        await this.waitForOutputs();
        continue;
      }
      let status;
      try {
        status = source.emitNext();
      } catch (e) {
        throw wrapOperatorError(e, (this.chain as OperatorChain).headName);
      }
      if (status === 'END_OF_INPUT') break;
      if (status === 'NOTHING_AVAILABLE') await this.waitFor(source.isAvailable(), 'idle');
      else await this.maybeYield();
    }
    // Bounded input ended: MAX_WATERMARK lets every downstream event-time timer fire (Flink's rule).
    source.processWatermark(MAX_WATERMARK);
  }

  private async runInputs(): Promise<void> {
    const head = (this.chain as OperatorChain).head;
    const headName = (this.chain as OperatorChain).headName;
    const inputs = this.gates.filter((g) => g.length > 0);
    const ended = inputs.map(() => false);
    for (;;) {
      this.checkCanceled();
      if (ended.every(Boolean)) return;
      if (!this.outputsAvailable()) {
        await this.waitForOutputs();
        continue;
      }
      let progressed = false;
      for (let i = 0; i < inputs.length; i++) {
        if (ended[i] === true) continue;
        for (const gate of inputs[i] as InputGate[]) {
          if (gate.isFinished()) continue;
          const event = gate.pollNext();
          if (event === undefined) continue;
          progressed = true;
          try {
            if (this.handle(event, head, i, inputs.length === 2)) ended[i] = (inputs[i] as InputGate[]).every((g) => g.isFinished());
          } catch (e) {
            throw wrapOperatorError(e, headName);
          }
        }
      }
      if (!progressed) await this.waitFor(undefined, 'idle');
      else await this.maybeYield();
    }
  }

  /** Returns true when the event ended a gate. */
  private handle(event: GateEvent, head: unknown, input: number, twoInputs: boolean): boolean {
    switch (event.kind) {
      case 'data':
        this.processBuffer(event.buffer, head, input, twoInputs);
        return false;
      case 'watermark':
        if (!twoInputs) (head as OneInputStreamOperator<unknown>).processWatermark(event.watermark);
        else if (input === 0) (head as TwoInputStreamOperator<unknown, unknown>).processWatermark1(event.watermark);
        else (head as TwoInputStreamOperator<unknown, unknown>).processWatermark2(event.watermark);
        return false;
      case 'end':
        return true;
    }
  }

  private processBuffer(buffer: DataBuffer, head: unknown, input: number, twoInputs: boolean): void {
    const { values, timestamps } = buffer;
    const n = values.length;
    this.metrics.numRecordsIn += n;
    if (!twoInputs) {
      const op = head as OneInputStreamOperator<unknown>;
      if (timestamps === undefined) for (let i = 0; i < n; i++) op.processElement(values[i], NO_TIMESTAMP);
      else for (let i = 0; i < n; i++) op.processElement(values[i], timestamps[i] as number);
      return;
    }
    const op = head as TwoInputStreamOperator<unknown, unknown>;
    for (let i = 0; i < n; i++) {
      const ts = timestamps === undefined ? NO_TIMESTAMP : (timestamps[i] as number);
      if (input === 0) op.processElement1(values[i], ts);
      else op.processElement2(values[i], ts);
    }
  }

  private async finishOperators(): Promise<void> {
    const chain = this.chain as OperatorChain;
    for (let i = 0; i < chain.operators.length; i++) {
      this.checkCanceled();
      try {
        await chain.operators[i]?.finish();
      } catch (e) {
        throw wrapOperatorError(e, chain.names[i] as string);
      }
    }
  }

  private async closeOperators(): Promise<void> {
    const chain = this.chain;
    if (chain === undefined) return;
    let first: Error | undefined;
    for (let i = 0; i < chain.operators.length; i++) {
      try {
        await chain.operators[i]?.close();
      } catch (e) {
        first ??= wrapOperatorError(e, chain.names[i] as string);
      }
    }
    this.chain = undefined;
    if (first !== undefined) throw first;
  }

  private releaseInputs(): void {
    for (const inputs of this.gates) for (const gate of inputs) gate.release();
  }

  private outputsAvailable(): boolean {
    for (const p of this.partitions.values()) if (!p.isAvailable()) return false;
    return true;
  }

  private async waitForOutputs(): Promise<void> {
    for (const p of this.partitions.values()) {
      if (!p.isAvailable()) {
        await this.waitFor(p.whenAvailable(), 'backpressure');
        return;
      }
    }
  }

  /** Sleeps until the promise settles, input arrives, or the task is canceled. */
  private async waitFor(promise: Promise<void> | undefined, kind: 'idle' | 'backpressure'): Promise<void> {
    // Pending input is a reason not to sleep only when waiting for input. A backpressured task
    // must sleep even with input queued: returning at once would spin in microtasks, starving
    // the worker's event loop of the very messages (credit, consumers' turns) that free room.
    if (kind === 'idle' && this.hasPendingInput()) return;
    const start = performance.now();
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      promise?.then(resolve, resolve);
    });
    this.wake = undefined;
    this.lastYield = performance.now();
    if (kind === 'idle') this.metrics.addIdle(this.lastYield - start);
    else this.metrics.addBackPressured(this.lastYield - start);
  }

  private hasPendingInput(): boolean {
    for (const inputs of this.gates) for (const gate of inputs) if (gate.hasData()) return true;
    return false;
  }

  private wakeUp(): void {
    this.wake?.();
  }

  private async maybeYield(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield < YIELD_INTERVAL_MS) return;
    await yieldToEventLoop();
    this.lastYield = performance.now();
  }

  private checkCanceled(): void {
    if (this.canceled) throw new TaskCanceledError('canceled');
  }

  /** Flink's output flusher: partial buffers become visible at least every buffer timeout. */
  private startFlusher(): void {
    const timeout = this.tdd.vertex.bufferTimeout;
    if (timeout <= 0 || this.partitions.size === 0) return;
    this.flusher = setInterval(() => {
      for (const p of this.partitions.values()) p.flushAll();
    }, timeout);
  }

  private stopFlusher(): void {
    if (this.flusher !== undefined) clearInterval(this.flusher);
    this.flusher = undefined;
  }

  private accumulatorSnapshots(): AccumulatorSnapshot[] {
    const snapshots: AccumulatorSnapshot[] = [];
    for (const [name, acc] of this.accumulators) {
      snapshots.push({ name, kind: acc.kind, value: acc.getLocalValue() as number });
    }
    return snapshots;
  }
}
