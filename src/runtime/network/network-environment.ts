import type { NetworkMessage, RoutedMessage, WorkerAddress } from './network-messages.js';
import type { ResultPartition } from './result-partition.js';
import type { ResultSubpartition, SubpartitionListener } from './result-subpartition.js';
import type { RemoteChannelTransport, RemoteInputChannel } from './remote-input-channel.js';
import type { LocalInputChannel } from './local-input-channel.js';
import { serializeBuffer } from './buffer-serializer.js';
import { serializeError } from '../../core/errors.js';
import { FlinkTsError } from '../../core/errors.js';

/** Target size of a serialised buffer: Flink's memory segment size. */
const TARGET_BUFFER_BYTES = 32 * 1024;

/**
 * The data plane of one slot worker (Flink's ShuffleEnvironment): the partitions produced here,
 * partition requests waiting for their producer to be deployed, and both ends of the remote
 * channels that cross this worker's boundary.
 */
export class NetworkEnvironment implements RemoteChannelTransport {
  private readonly partitions = new Map<string, ResultPartition>();
  private readonly pendingLocal = new Map<string, { subpartition: number; channel: LocalInputChannel }[]>();
  private readonly pendingRemote = new Map<string, { request: NetworkMessage & { t: 'PartitionRequest' }; timer: NodeJS.Timeout }[]>();
  private readonly views = new Map<string, RemoteSubpartitionView>();
  private readonly channels = new Map<string, { channel: RemoteInputChannel; producer: WorkerAddress }>();

  constructor(
    readonly self: WorkerAddress,
    private readonly send: (message: RoutedMessage) => void,
    /** How long a request waits for its producer to be deployed before it fails (PartitionNotFound). */
    private readonly partitionRequestTimeoutMs = 10_000,
  ) {}

  registerPartition(partition: ResultPartition): void {
    this.partitions.set(partition.partitionId, partition);
    const local = this.pendingLocal.get(partition.partitionId);
    this.pendingLocal.delete(partition.partitionId);
    for (const p of local ?? []) p.channel.attach(partition.subpartitions[p.subpartition] as ResultSubpartition);
    const remote = this.pendingRemote.get(partition.partitionId);
    this.pendingRemote.delete(partition.partitionId);
    for (const p of remote ?? []) {
      clearTimeout(p.timer);
      this.serve(p.request);
    }
  }

  unregisterPartition(partitionId: string): void {
    this.partitions.get(partitionId)?.release();
    this.partitions.delete(partitionId);
  }

  connectLocal(channel: LocalInputChannel, partitionId: string, subpartition: number): void {
    const partition = this.partitions.get(partitionId);
    if (partition !== undefined) {
      channel.attach(partition.subpartitions[subpartition] as ResultSubpartition);
      return;
    }
    const list = this.pendingLocal.get(partitionId) ?? [];
    list.push({ subpartition, channel });
    this.pendingLocal.set(partitionId, list);
  }

  registerRemoteChannel(channel: RemoteInputChannel, producer: WorkerAddress): void {
    this.channels.set(channel.receiverId, { channel, producer });
  }

  // ---- RemoteChannelTransport (consumer side) ----

  requestPartition(channel: RemoteInputChannel, initialCredit: number): void {
    const entry = this.channels.get(channel.receiverId);
    if (entry === undefined) throw new Error(`Remote channel ${channel.receiverId} was not registered.`);
    this.send({
      to: entry.producer,
      message: {
        t: 'PartitionRequest',
        partitionId: channel.partitionId,
        subpartition: channel.subpartitionIndex,
        receiverId: channel.receiverId,
        credit: initialCredit,
        replyTo: this.self,
      },
    });
  }

  announceCredit(channel: RemoteInputChannel, credit: number): void {
    const entry = this.channels.get(channel.receiverId);
    if (entry === undefined) return;
    this.send({ to: entry.producer, message: { t: 'AddCredit', receiverId: channel.receiverId, credit } });
  }

  cancel(channel: RemoteInputChannel): void {
    const entry = this.channels.get(channel.receiverId);
    if (entry === undefined) return;
    this.channels.delete(channel.receiverId);
    this.send({ to: entry.producer, message: { t: 'CancelPartitionRequest', receiverId: channel.receiverId } });
  }

  // ---- messages from the router ----

  onMessage(message: NetworkMessage): void {
    switch (message.t) {
      case 'PartitionRequest': {
        if (this.partitions.has(message.partitionId)) {
          this.serve(message);
          return;
        }
        const timer = setTimeout(() => this.failPendingRequest(message), this.partitionRequestTimeoutMs);
        const list = this.pendingRemote.get(message.partitionId) ?? [];
        list.push({ request: message, timer });
        this.pendingRemote.set(message.partitionId, list);
        return;
      }
      case 'AddCredit':
        this.views.get(message.receiverId)?.addCredit(message.credit);
        return;
      case 'CancelPartitionRequest':
        this.views.delete(message.receiverId);
        return;
      case 'BufferResponse':
        this.channels.get(message.receiverId)?.channel.onBuffer(message.bytes, message.backlog);
        return;
      case 'ErrorResponse': {
        const error = new Error(message.error.message);
        error.stack = message.error.stack;
        this.channels.get(message.receiverId)?.channel.onError(error);
        return;
      }
      case 'ConnectionLost':
        this.connectionLost(message.taskManagerId, message.dataAddress);
        return;
    }
  }

  /** Fails the channels reading from a lost TaskManager and forgets readers that lived there. */
  private connectionLost(taskManagerId: string, dataAddress: string): void {
    for (const { channel, producer } of this.channels.values()) {
      if (producer.taskManagerId !== taskManagerId) continue;
      const error = new Error(
        `Connection unexpectedly closed by remote task manager '${dataAddress}'. This might indicate that the remote task manager was lost.`,
      );
      error.name = 'RemoteTransportException';
      channel.onError(error);
    }
    for (const [receiverId, view] of this.views) if (view.consumerTaskManager === taskManagerId) this.views.delete(receiverId);
  }

  /** Cancels every timer, so a finished worker's event loop can drain. */
  close(): void {
    for (const list of this.pendingRemote.values()) for (const p of list) clearTimeout(p.timer);
    this.pendingRemote.clear();
    this.views.clear();
  }

  private serve(request: NetworkMessage & { t: 'PartitionRequest' }): void {
    const partition = this.partitions.get(request.partitionId) as ResultPartition;
    const subpartition = partition.subpartitions[request.subpartition];
    if (subpartition === undefined) {
      this.replyError(request, `Partition ${request.partitionId} has no subpartition ${request.subpartition}.`);
      return;
    }
    const view = new RemoteSubpartitionView(request.receiverId, request.replyTo, subpartition, request.credit, this.send);
    this.views.set(request.receiverId, view);
    subpartition.setListener(view);
  }

  private failPendingRequest(request: NetworkMessage & { t: 'PartitionRequest' }): void {
    const list = this.pendingRemote.get(request.partitionId)?.filter((p) => p.request !== request) ?? [];
    if (list.length === 0) this.pendingRemote.delete(request.partitionId);
    else this.pendingRemote.set(request.partitionId, list);
    this.replyError(request, `Partition ${request.partitionId} not found: its producer was not deployed in time.`);
  }

  private replyError(request: NetworkMessage & { t: 'PartitionRequest' }, text: string): void {
    const error = serializeError(new FlinkTsError('ERR_PARTITION_NOT_FOUND', text));
    this.send({ to: request.replyTo, message: { t: 'ErrorResponse', receiverId: request.receiverId, error } });
  }
}

/** The producer's end of a remote channel: sends a buffer per credit, with the backlog. */
class RemoteSubpartitionView implements SubpartitionListener {
  get consumerTaskManager(): string {
    return this.replyTo.taskManagerId;
  }

  constructor(
    private readonly receiverId: string,
    private readonly replyTo: WorkerAddress,
    private readonly subpartition: ResultSubpartition,
    private credit: number,
    private readonly send: (message: RoutedMessage) => void,
  ) {
    // Start with fewer records per buffer than a local channel would; the first buffers adapt it.
    subpartition.batchLimit = 256;
  }

  addCredit(credit: number): void {
    this.credit += credit;
    this.drain();
  }

  notifyDataAvailable(): void {
    this.drain();
  }

  private drain(): void {
    while (this.credit > 0) {
      const buffer = this.subpartition.poll();
      if (buffer === undefined) return;
      const bytes = serializeBuffer(buffer);
      if (buffer.kind === 'data' && buffer.values.length > 0) {
        const perRecord = bytes.byteLength / buffer.values.length;
        this.subpartition.batchLimit = Math.max(16, Math.min(16384, Math.round(TARGET_BUFFER_BYTES / Math.max(perRecord, 1))));
      }
      this.credit--;
      this.subpartition.bytesSent += bytes.byteLength;
      this.send({
        to: this.replyTo,
        message: { t: 'BufferResponse', receiverId: this.receiverId, backlog: this.subpartition.backlog, bytes },
      });
    }
  }
}
