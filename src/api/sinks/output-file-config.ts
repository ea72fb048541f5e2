/** The prefix and suffix of part file names: `<prefix>-<uid>-<counter><suffix>`. */
export class OutputFileConfig {
  /** Use `OutputFileConfig.builder()`; the defaults are prefix `part` and no suffix. */
  constructor(
    readonly partPrefix = 'part',
    readonly partSuffix = '',
  ) {}

  static builder(): OutputFileConfigBuilder {
    return new OutputFileConfigBuilder();
  }
}

export class OutputFileConfigBuilder {
  private partPrefix = 'part';
  private partSuffix = '';

  withPartPrefix(prefix: string): this {
    // The name becomes a single path component; a separator would write outside the bucket.
    if (prefix.includes('/') || prefix.includes('\\')) {
      throw new TypeError(`Part prefix must not contain a path separator: '${prefix}'`);
    }
    this.partPrefix = prefix;
    return this;
  }

  withPartSuffix(suffix: string): this {
    if (suffix.includes('/') || suffix.includes('\\')) {
      throw new TypeError(`Part suffix must not contain a path separator: '${suffix}'`);
    }
    this.partSuffix = suffix;
    return this;
  }

  build(): OutputFileConfig {
    return new OutputFileConfig(this.partPrefix, this.partSuffix);
  }
}
