/**
 * The job artifact does not contain the API: its `import ... from 'flink-ts'` is bundled as a
 * small shim that reads the API object the host installed under this key. Every process or worker
 * that loads an artifact therefore shares one copy of the API classes with its runtime.
 */
export const API_GLOBAL_KEY = Symbol.for('flink-ts.api');
