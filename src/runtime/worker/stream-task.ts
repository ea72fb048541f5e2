import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { StreamGraph } from '../../api/graph/stream-graph.js';
import type { OneInputStreamOperator, OperatorServices, TwoInputStreamOperator } from '../../api/operators/stream-operator.js';
import type { AccumulatorSnapshot } from '../../api/common/accumulators.js';
import type { SerializedThrowable } from '../../core/errors.js';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';
import type { ExecutionState } from '../executiongraph/execution-state.js';
import type { NetworkEnvironment } from '../network/network-environment.js';
import type { DataBuffer } from '../network/buffer.js';
import { SourceOperator } from '../../api/operators/source-operator.js';
import { NO_TIMESTAMP } from '../../api/common/records.js';
import { serializeError } from '../../core/errors.js';
import { ResultPartition } from '../network/result-partition.js';
import { InputGate } from '../network/input-gate.js';
import { StatusWatermarkValve } from '../network/status-watermark-valve.js';
import type { ValveOutput } from '../network/status-watermark-valve.js';
import { LocalInputChannel } from '../network/local-input-channel.js';
import { FloatingBufferPool, RemoteInputChannel } from '../network/remote-input-channel.js';
import { addressKey } from '../network/network-messages.js';
import { END_OF_DATA, END_OF_PARTITION, MAX_WATERMARK } from '../network/buffer.js';
import { OperatorChain } from './operator-chain.js';
import type { KeyContext } from './operator-chain.js';
import type { CheckpointBarrier } from '../checkpoint/checkpoint-options.js';
import type { OperatorSubtaskState } from '../checkpoint/checkpoint-metadata.js';
import { CheckpointBarrierHandler } from './checkpoint-barrier-handler.js';
import { TaskMailbox } from './task-mailbox.js';
import { restoreTaskState } from './task-state-restore.js';
import { SubtaskCheckpointCoordinator } from './subtask-checkpoint-coordinator.js';
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

/** How a task tells the JobMaster about its part in checkpoints. */
export interface CheckpointResponder {
  acknowledge(checkpointId: number, states: Readonly<Record<string, OperatorSubtaskState>>): void;
  decline(checkpointId: number, reason: SerializedThrowable): void;
  /** A source's input ended and it waits for its final checkpoint: the JobMaster may trigger one now. */
  endOfData(): void;
}

/** How long a task may run records before it lets timers and messages of its worker run. */
const YIELD_INTERVAL_MS = 5;

/**
 * One subtask attempt (Flink's StreamTask): sets up partitions, gates and the operator chain,
 * restores the chain's state, then runs a loop that processes input (or polls the source) as long
 * as its outputs have room, and waits for input, room, mail or cancellation otherwise. All tasks of
 * a slot share the worker's event loop, so the loop yields regularly.
 *
 * Checkpoints: a source task snapshots when the JobMaster triggers it; other tasks when the
 * barrier has come through all their inputs (CheckpointBarrierHandler). With checkpointing on, a
 * task whose input ended finishes its operators, sends EndOfData and waits for a checkpoint to
 * complete before it ends (FLIP-147's final checkpoint), so sinks commit everything they wrote.
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
  private readonly mailbox = new TaskMailbox(() => this.wakeUp());
  private readonly timers = new Set<NodeJS.Timeout>();
  private checkpointer: SubtaskCheckpointCoordinator | undefined;
  private barrierHandler: CheckpointBarrierHandler | undefined;
  /** `finish()` ran on every operator: the input ended, or a drain was requested. */
  private operatorsFinished = false;
  /** The first checkpoint taken after the operators finished: the task ends once it completes. */
  private finalCheckpointId: number | undefined;
  private latestCompletedCheckpointId = 0;
  /** A stop-with-savepoint without drain: the task ends without finishing its operators once it completes. */
  private suspendSavepointId: number | undefined;
  /** A source stopped by a stop-with-savepoint: no records until the savepoint completes or is aborted. */
  private sourceHalted = false;
  /** A source asked to drain (stop --drain): its input ends now. */
  private drainBarrier: CheckpointBarrier | undefined;
  private readonly taskServices: OperatorServices;

  constructor(
    private readonly tdd: TaskDeploymentDescriptor,
    private readonly graph: StreamGraph,
    private readonly network: NetworkEnvironment,
    services: OperatorServices,
    private readonly report: (report: TaskStateReport) => void,
    private readonly responder: CheckpointResponder,
  ) {
    this.metrics = new TaskMetrics(tdd.attemptId);
    this.taskServices = { ...services, scheduleProcessingTime: (time, callback) => this.scheduleProcessingTime(time, callback) };
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
    // A task without outputs (a sink) has sent nothing: its event time is its input's.
    this.metrics.currentOutputWatermark =
      this.partitions.size === 0 ? this.metrics.currentInputWatermark : Math.min(...[...this.partitions.values()].map((p) => p.lastWatermark));
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

  /** The JobMaster triggers a checkpoint at this (source) task; it runs between two records. */
  triggerCheckpoint(barrier: CheckpointBarrier): void {
    this.mailbox.put(() => this.onTrigger(barrier));
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.mailbox.put(() => this.onCheckpointComplete(checkpointId));
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.mailbox.put(() => this.onCheckpointAborted(checkpointId));
  }

  /** Runs the task to a terminal state and reports every state change. Never throws. */
  async invoke(): Promise<void> {
    this.report({ state: 'INITIALIZING' });
    try {
      this.setUp();
      const chain = this.chain as OperatorChain;
      const restored = await restoreTaskState(chain, this.tdd.taskRestore);
      for (let i = chain.operators.length - 1; i >= 0; i--) {
        const op = chain.operators[i];
        try {
          await op?.initializeState?.({
            isRestored: () => restored[i] === true,
            operatorStateBackend: chain.operatorBackends[i] as (typeof chain.operatorBackends)[number],
            keyedStateBackend: chain.keyedBackends[i],
          });
          await op?.open();
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
      await this.awaitFinalCheckpoint();
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
    } finally {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
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
    const chain = new OperatorChain(this.tdd, this.graph, this.partitions, this.taskServices, {
      now: () => this.taskServices.processingTime(),
      schedule: (time, callback) => this.scheduleProcessingTime(time, callback),
    });
    this.chain = chain;
    this.accumulators = chain.accumulators;
    this.writers = chain.writers;
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
    this.checkpointer = new SubtaskCheckpointCoordinator(chain, [...this.partitions.values()], this.tdd.subtaskIndex, this.responder);
    const settings = this.tdd.checkpointing;
    if (settings !== undefined) {
      this.barrierHandler = new CheckpointBarrierHandler(this.gates.flat(), settings.mode === 'EXACTLY_ONCE', {
        triggerCheckpoint: (barrier) => this.performCheckpoint(barrier),
        abortCheckpoint: (id, reason) => this.checkpointer?.abort(id, reason),
      });
    }
  }

  private async runSource(source: SourceOperator<unknown>): Promise<void> {
    for (;;) {
      this.checkCanceled();
      if (this.mailbox.hasMail()) {
        await this.mailbox.drain();
        continue;
      }
      if (this.drainBarrier !== undefined) break;
      if (this.sourceHalted) {
        if (this.suspendSavepointId !== undefined && this.latestCompletedCheckpointId >= this.suspendSavepointId) return;
        await this.waitFor(undefined, 'idle');
        continue;
      }
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
    // Bounded input ended (or a drain): MAX_WATERMARK lets every downstream event-time timer fire (Flink's rule).
    source.processWatermark(MAX_WATERMARK);
    await this.endOfInput();
    const drain = this.drainBarrier;
    if (drain !== undefined) await this.performCheckpoint(drain);
  }

  private async runInputs(): Promise<void> {
    const head = (this.chain as OperatorChain).head;
    const headName = (this.chain as OperatorChain).headName;
    const inputs = this.gates.filter((g) => g.length > 0);
    const twoInputs = inputs.length === 2;
    const endedData = inputs.map(() => false);
    const inputWatermarks = inputs.map(() => Number.NEGATIVE_INFINITY);
    // Each gate's valve combined its channels; an input fed by several gates (a union of
    // different producers) combines its gates the same way, so the operator sees one monotonic,
    // idleness-aware watermark per input.
    const inputValves = inputs.map((gates) => {
      const valve = new StatusWatermarkValve();
      for (let g = 0; g < gates.length; g++) valve.addChannel();
      return valve;
    });
    const forward = (i: number, outputs: readonly ValveOutput[]): void => {
      for (const output of outputs) {
        if (output.kind === 'watermark') {
          inputWatermarks[i] = output.watermark;
          this.metrics.currentInputWatermark = Math.min(...inputWatermarks);
          if (!twoInputs) (head as OneInputStreamOperator<unknown>).processWatermark(output.watermark);
          else if (i === 0) (head as TwoInputStreamOperator<unknown, unknown>).processWatermark1(output.watermark);
          else (head as TwoInputStreamOperator<unknown, unknown>).processWatermark2(output.watermark);
        } else {
          const status = output.idle ? 'IDLE' : 'ACTIVE';
          if (!twoInputs) (head as OneInputStreamOperator<unknown>).processWatermarkStatus?.(status);
          else if (i === 0) (head as TwoInputStreamOperator<unknown, unknown>).processWatermarkStatus1?.(status);
          else (head as TwoInputStreamOperator<unknown, unknown>).processWatermarkStatus2?.(status);
        }
      }
    };
    for (;;) {
      this.checkCanceled();
      if (this.mailbox.hasMail()) {
        await this.mailbox.drain();
        continue;
      }
      if (inputs.every((gates) => gates.every((g) => g.isFinished() && !g.hasData()))) return;
      if (!this.outputsAvailable()) {
        await this.waitForOutputs();
        continue;
      }
      let progressed = false;
      for (let i = 0; i < inputs.length; i++) {
        const gates = inputs[i] as InputGate[];
        for (let g = 0; g < gates.length; g++) {
          const gate = gates[g] as InputGate;
          const event = gate.pollNext();
          if (event === undefined) continue;
          progressed = true;
          try {
            switch (event.kind) {
              case 'data':
                this.processBuffer(event.buffer, head, i, twoInputs);
                break;
              case 'watermark':
                forward(i, (inputValves[i] as StatusWatermarkValve).inputWatermark(g, event.watermark));
                break;
              case 'watermarkStatus':
                forward(i, (inputValves[i] as StatusWatermarkValve).inputWatermarkStatus(g, event.idle));
                break;
              case 'barrier':
                await this.barrierHandler?.processBarrier(event.barrier, gate, event.channel);
                break;
              case 'cancelMarker':
                this.barrierHandler?.processCancelMarker(event.checkpointId);
                break;
              case 'endOfData':
                if ((inputs[i] as InputGate[]).every((g) => g.isFinished() || g.hasReportedEndOfData())) endedData[i] = true;
                if (endedData.every(Boolean)) await this.endOfInput();
                // The channel that completed end of data may have ended too: an alignment may be complete.
                await this.barrierHandler?.processChannelEnded();
                break;
              case 'channelEnded':
              case 'end':
                await this.barrierHandler?.processChannelEnded();
                break;
            }
          } catch (e) {
            throw wrapOperatorError(e, headName);
          }
        }
      }
      if (!progressed) await this.waitFor(undefined, 'idle');
      else await this.maybeYield();
    }
  }

  /**
   * Every input ended: operators finish (flushing what they buffer), and with a final checkpoint
   * to come, downstream tasks learn that no record follows. A stop without drain skips this:
   * its operators keep their state in the savepoint instead of flushing it.
   */
  private async endOfInput(): Promise<void> {
    if (this.operatorsFinished || this.suspendSavepointId !== undefined) return;
    await this.finishOperators();
    this.operatorsFinished = true;
    if (this.awaitsFinalCheckpoint()) {
      for (const p of this.partitions.values()) {
        p.flushAll();
        p.broadcastEvent(END_OF_DATA);
      }
      if (this.isSourceTask()) this.responder.endOfData();
    }
  }

  private awaitsFinalCheckpoint(): boolean {
    return this.tdd.checkpointing?.finalCheckpoint === true && this.tdd.jobType === 'STREAMING';
  }

  /** Runs mail until the checkpoint that must complete before this task ends has completed. */
  private async awaitFinalCheckpoint(): Promise<void> {
    const done = (): boolean => {
      if (this.suspendSavepointId !== undefined) return this.latestCompletedCheckpointId >= this.suspendSavepointId;
      if (!this.awaitsFinalCheckpoint() || !this.operatorsFinished) return true;
      // A non-source task whose inputs all ended took part in its upstream's final checkpoint; one without
      // (inputs ended by tasks that do not checkpoint) has nothing to wait for.
      if (this.finalCheckpointId === undefined) return !this.isSourceTask();
      return this.latestCompletedCheckpointId >= this.finalCheckpointId;
    };
    while (!done()) {
      this.checkCanceled();
      if (this.mailbox.hasMail()) await this.mailbox.drain();
      else await this.waitFor(undefined, 'idle');
    }
  }

  private async onTrigger(barrier: CheckpointBarrier): Promise<void> {
    const type = barrier.options.type;
    if (type === 'SAVEPOINT_TERMINATE' && !this.operatorsFinished) {
      // Drain: the source loop ends its input first, then takes this savepoint.
      this.drainBarrier = barrier;
      return;
    }
    await this.performCheckpoint(barrier);
    if (type === 'SAVEPOINT_SUSPEND' && this.isSourceTask()) this.sourceHalted = true;
  }

  private async performCheckpoint(barrier: CheckpointBarrier): Promise<void> {
    if (this.canceled) return;
    if (this.operatorsFinished) this.finalCheckpointId ??= barrier.checkpointId;
    if (barrier.options.type === 'SAVEPOINT_SUSPEND' && !this.operatorsFinished) this.suspendSavepointId = barrier.checkpointId;
    await this.checkpointer?.checkpointState(barrier, this.operatorsFinished);
  }

  private async onCheckpointComplete(checkpointId: number): Promise<void> {
    if (checkpointId <= this.latestCompletedCheckpointId) return;
    this.latestCompletedCheckpointId = checkpointId;
    const chain = this.chain;
    if (chain === undefined) return;
    for (let i = 0; i < chain.operators.length; i++) {
      try {
        await chain.operators[i]?.notifyCheckpointComplete?.(checkpointId);
      } catch (e) {
        throw wrapOperatorError(e, chain.names[i] as string);
      }
    }
  }

  private async onCheckpointAborted(checkpointId: number): Promise<void> {
    if (this.suspendSavepointId === checkpointId) {
      // The stop failed: the job goes on as before.
      this.suspendSavepointId = undefined;
      this.sourceHalted = false;
    }
    const chain = this.chain;
    if (chain === undefined) return;
    for (let i = 0; i < chain.operators.length; i++) {
      try {
        await chain.operators[i]?.notifyCheckpointAborted?.(checkpointId);
      } catch (e) {
        throw wrapOperatorError(e, chain.names[i] as string);
      }
    }
  }

  private isSourceTask(): boolean {
    return this.chain?.head instanceof SourceOperator;
  }

  private processBuffer(buffer: DataBuffer, head: unknown, input: number, twoInputs: boolean): void {
    const { values, timestamps } = buffer;
    const n = values.length;
    this.metrics.numRecordsIn += n;
    const keyContext = (this.chain as OperatorChain).headKeyContexts[input];
    if (!twoInputs) {
      const op = head as OneInputStreamOperator<unknown>;
      if (keyContext !== undefined) {
        processKeyed(op, keyContext, values, timestamps);
        return;
      }
      if (timestamps === undefined) for (let i = 0; i < n; i++) op.processElement(values[i], NO_TIMESTAMP);
      else for (let i = 0; i < n; i++) op.processElement(values[i], timestamps[i] as number);
      return;
    }
    const op = head as TwoInputStreamOperator<unknown, unknown>;
    for (let i = 0; i < n; i++) {
      const ts = timestamps === undefined ? NO_TIMESTAMP : (timestamps[i] as number);
      if (keyContext !== undefined) keyContext.backend.setCurrentKey(keyContext.selector(values[i]));
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
    chain.disposeState();
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

  /** Sleeps until the promise settles, input or mail arrives, or the task is canceled. */
  private async waitFor(promise: Promise<void> | undefined, kind: 'idle' | 'backpressure'): Promise<void> {
    // Pending input is a reason not to sleep only when waiting for input. A backpressured task
    // must sleep even with input queued: returning at once would spin in microtasks, starving
    // the worker's event loop of the very messages (credit, consumers' turns) that free room.
    if (kind === 'idle' && this.hasPendingInput()) return;
    if (this.mailbox.hasMail() || this.canceled) return;
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

  /** Processing-time callbacks (timers) run as mail, between records. */
  private scheduleProcessingTime(time: number, callback: () => void): () => void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.mailbox.put(callback);
      },
      Math.max(0, time - Date.now()),
    );
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
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

/** The head loop of a keyed one-input task: the key is set before each record. */
function processKeyed(op: OneInputStreamOperator<unknown>, keyContext: KeyContext, values: unknown[], timestamps: number[] | undefined): void {
  const { backend, selector } = keyContext;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    backend.setCurrentKey(selector(value));
    op.processElement(value, timestamps === undefined ? NO_TIMESTAMP : (timestamps[i] as number));
  }
}
