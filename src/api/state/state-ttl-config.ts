/**
 * Time-to-live of keyed state entries (Flink's StateTtlConfig). Time is processing time. An entry
 * is expired once `lastUpdate + ttl <= now`; expired entries are never returned with the default
 * visibility and are dropped lazily on access and from full snapshots.
 */
export type TtlUpdateType = 'OnCreateAndWrite' | 'OnReadAndWrite' | 'Disabled';
export type TtlStateVisibility = 'NeverReturnExpired' | 'ReturnExpiredIfNotCleanedUp';

export class StateTtlConfig {
  private constructor(
    /** Milliseconds. */
    readonly ttl: number,
    readonly updateType: TtlUpdateType,
    readonly stateVisibility: TtlStateVisibility,
    readonly cleanupFullSnapshot: boolean,
  ) {}

  /** @param ttlMs time to live in milliseconds (Flink takes a Duration). */
  static newBuilder(ttlMs: number): StateTtlConfigBuilder {
    return new StateTtlConfigBuilder(ttlMs);
  }

  /** @internal */
  static create(ttl: number, updateType: TtlUpdateType, visibility: TtlStateVisibility, cleanupFullSnapshot: boolean): StateTtlConfig {
    return new StateTtlConfig(ttl, updateType, visibility, cleanupFullSnapshot);
  }

  isEnabled(): boolean {
    return this.updateType !== 'Disabled';
  }
}

export class StateTtlConfigBuilder {
  private updateType: TtlUpdateType = 'OnCreateAndWrite';
  private visibility: TtlStateVisibility = 'NeverReturnExpired';
  private fullSnapshot = false;

  constructor(private ttl: number) {
    checkTtl(ttl);
  }

  setUpdateType(type: TtlUpdateType): this {
    this.updateType = type;
    return this;
  }
  updateTtlOnCreateAndWrite(): this {
    return this.setUpdateType('OnCreateAndWrite');
  }
  updateTtlOnReadAndWrite(): this {
    return this.setUpdateType('OnReadAndWrite');
  }
  setStateVisibility(visibility: TtlStateVisibility): this {
    this.visibility = visibility;
    return this;
  }
  neverReturnExpired(): this {
    return this.setStateVisibility('NeverReturnExpired');
  }
  returnExpiredIfNotCleanedUp(): this {
    return this.setStateVisibility('ReturnExpiredIfNotCleanedUp');
  }
  cleanupFullSnapshot(): this {
    this.fullSnapshot = true;
    return this;
  }
  setTtl(ttlMs: number): this {
    checkTtl(ttlMs);
    this.ttl = ttlMs;
    return this;
  }
  build(): StateTtlConfig {
    return StateTtlConfig.create(this.ttl, this.updateType, this.visibility, this.fullSnapshot);
  }
}

function checkTtl(ttl: number): void {
  if (!Number.isFinite(ttl) || ttl <= 0) throw new TypeError(`State TTL must be a positive number of milliseconds, got ${ttl}.`);
}
