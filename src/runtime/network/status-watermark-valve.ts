/** What the valve tells the task to forward downstream. */
export type ValveOutput = { readonly kind: 'watermark'; readonly watermark: number } | { readonly kind: 'watermarkStatus'; readonly idle: boolean };

interface ChannelStatus {
  watermark: number;
  idle: boolean;
  /**
   * Whether the channel takes part in the minimum. An idle channel does not; one that turns active
   * again rejoins only once its watermark has caught up with the valve's output, since output
   * watermarks never go back.
   */
  aligned: boolean;
}

/**
 * Combines the watermarks and idleness of a task's input channels (Flink's StatusWatermarkValve):
 * the output watermark is the minimum over active, aligned channels and is forwarded only when it
 * advances; when every channel is idle the valve goes IDLE itself and flushes the largest
 * watermark any channel reached, which nothing can hold back any more.
 */
export class StatusWatermarkValve {
  private readonly channels: ChannelStatus[] = [];
  private lastOutputWatermark = Number.NEGATIVE_INFINITY;
  private lastOutputIdle = false;

  addChannel(): void {
    this.channels.push({ watermark: Number.NEGATIVE_INFINITY, idle: false, aligned: true });
  }

  inputWatermark(channelIndex: number, watermark: number): ValveOutput[] {
    const channel = this.channels[channelIndex] as ChannelStatus;
    // A watermark from an idle channel, or while the whole input is idle, means nothing (Flink's rule).
    if (this.lastOutputIdle || channel.idle || watermark <= channel.watermark) return [];
    channel.watermark = watermark;
    if (watermark >= this.lastOutputWatermark) channel.aligned = true;
    return this.outputMinAcrossAligned();
  }

  inputWatermarkStatus(channelIndex: number, idle: boolean): ValveOutput[] {
    const channel = this.channels[channelIndex] as ChannelStatus;
    if (idle === channel.idle) return [];
    const out: ValveOutput[] = [];
    if (idle) {
      channel.idle = true;
      channel.aligned = false;
      if (this.channels.every((c) => c.idle)) {
        out.push(...this.outputMaxAcrossAll());
        this.lastOutputIdle = true;
        out.push({ kind: 'watermarkStatus', idle: true });
      } else {
        // The channel may have been the one holding the minimum back.
        out.push(...this.outputMinAcrossAligned());
      }
    } else {
      channel.idle = false;
      if (channel.watermark >= this.lastOutputWatermark) channel.aligned = true;
      if (this.lastOutputIdle) {
        this.lastOutputIdle = false;
        out.push({ kind: 'watermarkStatus', idle: false });
      }
    }
    return out;
  }

  get currentWatermark(): number {
    return this.lastOutputWatermark;
  }

  private outputMinAcrossAligned(): ValveOutput[] {
    let min = Number.POSITIVE_INFINITY;
    let any = false;
    for (const c of this.channels) {
      if (c.idle || !c.aligned) continue;
      any = true;
      if (c.watermark < min) min = c.watermark;
    }
    if (!any || min <= this.lastOutputWatermark) return [];
    this.lastOutputWatermark = min;
    return [{ kind: 'watermark', watermark: min }];
  }

  private outputMaxAcrossAll(): ValveOutput[] {
    let max = Number.NEGATIVE_INFINITY;
    for (const c of this.channels) if (c.watermark > max) max = c.watermark;
    if (max <= this.lastOutputWatermark) return [];
    this.lastOutputWatermark = max;
    return [{ kind: 'watermark', watermark: max }];
  }
}
