import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BUFFER_TIMEOUT_INTERVAL,
  ConfigurationError,
  FAILOVER_STRATEGY,
  HEARTBEAT_TIMEOUT,
  JOB_MANAGER_PROCESS_SIZE,
  JOB_MANAGER_RPC_ADDRESS,
  JOB_MANAGER_RPC_PORT,
  LOG_DIR,
  NUM_TASK_SLOTS,
  OBJECT_REUSE,
  PARALLELISM_DEFAULT,
  REST_ADDRESS,
  REST_PORT,
  RUNTIME_MODE,
  TASK_MANAGER_PROCESS_SIZE,
  TMP_DIRS,
  loadConfiguration,
  resolveConfDir,
} from '../../../src/config/index.js';
import type { LoadConfigurationOptions } from '../../../src/config/index.js';

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A fresh working directory, optionally with `conf/config.yaml` holding `yaml`. */
function workDir(yaml?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'flink-ts-config-'));
  roots.push(root);
  if (yaml !== undefined) {
    mkdirSync(join(root, 'conf'));
    writeFileSync(join(root, 'conf', 'config.yaml'), yaml);
  }
  return root;
}

/** Loads with an empty environment so the test runner's own variables cannot leak in. */
function load(cwd: string, options: LoadConfigurationOptions = {}): ReturnType<typeof loadConfiguration> {
  return loadConfiguration({ env: {}, cwd, ...options });
}

function loadError(cwd: string, options: LoadConfigurationOptions = {}): ConfigurationError {
  try {
    load(cwd, options);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `expected ConfigurationError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected loadConfiguration to throw');
}

describe('loadConfiguration: sources and precedence', () => {
  test('applies defaults < config.yaml < FLINK_TS_PROPERTIES < -D', () => {
    const cwd = workDir(
      ['taskmanager.numberOfTaskSlots: 2', 'parallelism.default: 2', 'rest.port: 9000', 'pipeline.object-reuse: true'].join(
        '\n',
      ),
    );
    const config = load(cwd, {
      env: { FLINK_TS_PROPERTIES: 'taskmanager.numberOfTaskSlots=3\nparallelism.default=3\npipeline.object-reuse=false' },
      dynamicProperties: ['taskmanager.numberOfTaskSlots=4'],
    });
    assert.equal(config.get(NUM_TASK_SLOTS), 4);
    assert.equal(config.get(PARALLELISM_DEFAULT), 3);
    assert.equal(config.get(OBJECT_REUSE), false);
    assert.equal(config.get(REST_PORT), 9000);
    assert.equal(config.get(HEARTBEAT_TIMEOUT), 50_000);
  });

  test('a later source may use a deprecated key to override the current key', () => {
    const cwd = workDir('execution.buffer-timeout.interval: 50 ms\n');
    const config = load(cwd, { dynamicProperties: ['execution.buffer-timeout=7'] });
    assert.equal(config.get(BUFFER_TIMEOUT_INTERVAL), 7);
  });

  test('reads nested, flat and mixed YAML alike', () => {
    const nested = ['taskmanager:', '  numberOfTaskSlots: 3', '  memory:', '    process:', '      size: 2g', 'rest:', '  port: 9001'];
    const flat = ['taskmanager.numberOfTaskSlots: 3', 'taskmanager.memory.process.size: 2g', 'rest.port: 9001'];
    const mixed = ['taskmanager:', '  numberOfTaskSlots: 3', '  memory.process.size: 2g', 'rest.port: 9001'];
    const maps = [nested, flat, mixed].map((lines) => load(workDir(lines.join('\n'))).toMap());
    assert.deepEqual(maps[0], {
      'rest.port': '9001',
      'taskmanager.memory.process.size': '2 gb',
      'taskmanager.numberOfTaskSlots': '3',
    });
    assert.deepEqual(maps[1], maps[0]);
    assert.deepEqual(maps[2], maps[0]);
  });

  test('keeps YAML lists, treats empty values and emptied sections as unset, and passes free-form keys', () => {
    const cwd = workDir(
      [
        'io.tmp.dirs:',
        '  - /data1/tmp',
        '  - /data2/tmp',
        'env.log.dir:',
        'taskmanager:',
        '  # numberOfTaskSlots: 4',
        'pipeline:',
        '  global-job-parameters:',
        '    input: /in.txt',
        '    limit: 1.10',
        '$internal.deployment.config-dir: /opt/flink-ts/conf',
      ].join('\n'),
    );
    const config = load(cwd);
    assert.deepEqual(config.get(TMP_DIRS), ['/data1/tmp', '/data2/tmp']);
    assert.equal(config.get(LOG_DIR), undefined);
    assert.equal(config.get(NUM_TASK_SLOTS), 1);
    assert.deepEqual(config.getPrefixed('pipeline.global-job-parameters.'), { input: '/in.txt', limit: '1.10' });
    assert.equal(config.getRaw('$internal.deployment.config-dir'), '/opt/flink-ts/conf');
  });

  test('parses durations, memory sizes and enums from the file', () => {
    const cwd = workDir(
      [
        'heartbeat.timeout: 2 min',
        'execution.buffer-timeout.interval: 10ms',
        'jobmanager.memory.process.size: 1600 mb',
        'taskmanager.memory.process.size: 4096',
        'execution.runtime-mode: batch',
        'jobmanager.execution.failover-strategy: FULL',
      ].join('\n'),
    );
    const config = load(cwd);
    assert.equal(config.get(HEARTBEAT_TIMEOUT), 120_000);
    assert.equal(config.get(BUFFER_TIMEOUT_INTERVAL), 10);
    assert.equal(config.get(JOB_MANAGER_PROCESS_SIZE), 1600 * 1024 * 1024);
    assert.equal(config.get(TASK_MANAGER_PROCESS_SIZE), 4096);
    assert.equal(config.get(RUNTIME_MODE), 'BATCH');
    assert.equal(config.get(FAILOVER_STRATEGY), 'full');
  });

  test('a bare -D key means true, and -D values split at the first =', () => {
    const config = load(workDir(), {
      dynamicProperties: ['pipeline.object-reuse', 'pipeline.global-job-parameters.query=a=b', ' rest.port = 9002 '],
    });
    assert.equal(config.get(OBJECT_REUSE), true);
    assert.deepEqual(config.getPrefixed('pipeline.global-job-parameters.'), { query: 'a=b' });
    assert.equal(config.get(REST_PORT), 9002);
  });

  test('FLINK_TS_PROPERTIES splits entries at newlines and at ; before the next key', () => {
    const config = load(workDir(), {
      env: {
        FLINK_TS_PROPERTIES: [
          '# comment line',
          'rest.port=9003; parallelism.default=5',
          'io.tmp.dirs=/a;/b;heartbeat.timeout=1 min',
          '',
        ].join('\n'),
      },
    });
    assert.equal(config.get(REST_PORT), 9003);
    assert.equal(config.get(PARALLELISM_DEFAULT), 5);
    assert.deepEqual(config.get(TMP_DIRS), ['/a', '/b']);
    assert.equal(config.get(HEARTBEAT_TIMEOUT), 60_000);
  });

  test('loads the shipped conf/config.yaml', () => {
    const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
    const config = load(repoRoot);
    assert.equal(config.get(JOB_MANAGER_RPC_ADDRESS), 'localhost');
    assert.equal(config.get(JOB_MANAGER_RPC_PORT), 6123);
    assert.equal(config.get(JOB_MANAGER_PROCESS_SIZE), 1600 * 1024 * 1024);
    assert.equal(config.get(TASK_MANAGER_PROCESS_SIZE), 1728 * 1024 * 1024);
    assert.equal(config.get(FAILOVER_STRATEGY), 'region');
    assert.equal(config.get(NUM_TASK_SLOTS), 1);
    assert.equal(config.get(PARALLELISM_DEFAULT), 1);
    assert.equal(config.get(REST_ADDRESS), 'localhost');
    assert.equal(config.get(REST_PORT), 8081);
    assert.equal(config.getRaw('taskmanager.bind-host'), 'localhost');
  });
});

describe('loadConfiguration: conf dir', () => {
  test('uses defaults when the default ./conf has no config.yaml', () => {
    const config = load(workDir());
    assert.deepEqual(config.keys(), []);
    assert.equal(config.get(NUM_TASK_SLOTS), 1);
  });

  test('reads the conf dir from FLINK_TS_CONF_DIR when none is passed', () => {
    const cwd = workDir('rest.port: 9010\n');
    const config = load(workDir(), { env: { FLINK_TS_CONF_DIR: join(cwd, 'conf') } });
    assert.equal(config.get(REST_PORT), 9010);
    assert.deepEqual(resolveConfDir({ env: { FLINK_TS_CONF_DIR: join(cwd, 'conf') } }), {
      dir: join(cwd, 'conf'),
      origin: 'env',
    });
  });

  test('the confDir option wins over FLINK_TS_CONF_DIR', () => {
    const preferred = workDir('rest.port: 9011\n');
    const ignored = workDir('rest.port: 9012\n');
    const config = load(preferred, { confDir: 'conf', env: { FLINK_TS_CONF_DIR: join(ignored, 'conf') } });
    assert.equal(config.get(REST_PORT), 9011);
  });

  test('fails when an explicitly given conf dir has no config.yaml', () => {
    const cwd = workDir();
    const error = loadError(cwd, { confDir: 'missing' });
    assert.equal(error.code, 'ERR_CONFIG_FILE_NOT_FOUND');
    assert.equal(error.file, join(cwd, 'missing', 'config.yaml'));
    assert.equal(
      error.message,
      `missing/config.yaml: configuration file not found (conf dir given explicitly: ${join(cwd, 'missing')}).`,
    );
  });

  test('fails when FLINK_TS_CONF_DIR names a dir without config.yaml', () => {
    const elsewhere = join(workDir(), 'nothing-here');
    const error = loadError(workDir(), { env: { FLINK_TS_CONF_DIR: elsewhere } });
    assert.equal(error.code, 'ERR_CONFIG_FILE_NOT_FOUND');
    assert.equal(
      error.message,
      `${join(elsewhere, 'config.yaml')}: configuration file not found (conf dir set in FLINK_TS_CONF_DIR: ${elsewhere}).`,
    );
  });

  test('requireConfFile makes the default conf dir mandatory too', () => {
    const error = loadError(workDir(), { requireConfFile: true });
    assert.equal(error.code, 'ERR_CONFIG_FILE_NOT_FOUND');
    assert.match(error.message, /^conf\/config\.yaml: configuration file not found \(default conf dir: /);
  });
});

describe('loadConfiguration: errors', () => {
  test('names file, line and a did-you-mean for an unknown key', () => {
    const cwd = workDir(['parallelism.default: 2', '', 'taskmanager.numberOfTaskSlot: 2'].join('\n'));
    const error = loadError(cwd);
    assert.equal(error.code, 'ERR_CONFIG_UNKNOWN_KEY');
    assert.equal(error.key, 'taskmanager.numberOfTaskSlot');
    assert.equal(error.suggestion, 'taskmanager.numberOfTaskSlots');
    assert.equal(error.file, join(cwd, 'conf', 'config.yaml'));
    assert.equal(error.line, 3);
    assert.equal(
      error.message,
      "conf/config.yaml:3: unknown configuration key 'taskmanager.numberOfTaskSlot'. Did you mean 'taskmanager.numberOfTaskSlots'? Remove the key or fix its name (see docs/configuration.md).",
    );
  });

  test('omits the did-you-mean when no key is close', () => {
    const error = loadError(workDir('metrics.reporters: prom\n'));
    assert.equal(error.suggestion, undefined);
    assert.equal(
      error.message,
      "conf/config.yaml:1: unknown configuration key 'metrics.reporters'. Remove the key or fix its name (see docs/configuration.md).",
    );
  });

  test('reports the line of the leaf key for nested keys', () => {
    const cwd = workDir(['rest:', '  port: 8081', 'parallelism:', '  default: two'].join('\n'));
    const error = loadError(cwd);
    assert.equal(error.code, 'ERR_CONFIG_INVALID_VALUE');
    assert.equal(error.line, 4);
    assert.equal(error.expected, 'an integer >= 1');
    assert.equal(error.message, "conf/config.yaml:4: invalid value 'two' for 'parallelism.default': expected an integer >= 1.");
  });

  test('names the -D argument for a bad dynamic property', () => {
    const error = loadError(workDir(), { dynamicProperties: ['execution.runtime-mode=FAST'] });
    assert.equal(error.code, 'ERR_CONFIG_INVALID_VALUE');
    assert.equal(error.file, undefined);
    assert.equal(
      error.message,
      "-D execution.runtime-mode=FAST: invalid value 'FAST' for 'execution.runtime-mode': expected one of STREAMING, BATCH, AUTOMATIC.",
    );
  });

  test('names FLINK_TS_PROPERTIES for a bad environment entry', () => {
    const error = loadError(workDir(), { env: { FLINK_TS_PROPERTIES: 'heartbeat.timeout=soon' } });
    assert.equal(
      error.message,
      "FLINK_TS_PROPERTIES heartbeat.timeout=soon: invalid value 'soon' for 'heartbeat.timeout': expected a duration such as '100 ms', '10 s' or '5 min' (a plain number means milliseconds).",
    );
  });

  test('rejects malformed -D and FLINK_TS_PROPERTIES entries as syntax errors', () => {
    const error = loadError(workDir(), { env: { FLINK_TS_PROPERTIES: 'rest.port 8081' }, dynamicProperties: ['=3'] });
    assert.equal(error.code, 'ERR_CONFIG_SYNTAX');
    assert.deepEqual(
      error.problems.map((problem) => problem.message),
      ['FLINK_TS_PROPERTIES rest.port 8081: expected key=value.', "-D =3: missing key; expected '-D key=value'."],
    );
  });

  test('reports YAML syntax errors with file and line', () => {
    const cwd = workDir(['rest:', '  port: 8081', 'taskmanager:', '\tnumberOfTaskSlots: 2'].join('\n'));
    const error = loadError(cwd);
    assert.equal(error.code, 'ERR_CONFIG_SYNTAX');
    assert.equal(error.line, 4);
    assert.equal(error.message, 'conf/config.yaml:4: YAML syntax error: Tabs are not allowed as indentation.');
  });

  test('rejects a file whose top level is not a mapping', () => {
    const error = loadError(workDir('- rest.port: 1\n'));
    assert.equal(error.message, 'conf/config.yaml:1: YAML syntax error: the top level must be a mapping of configuration keys.');
  });

  test('rejects a key repeated in one mapping', () => {
    const error = loadError(workDir(['rest.port: 8081', 'parallelism.default: 1', 'rest.port: 8082'].join('\n')));
    assert.equal(error.code, 'ERR_CONFIG_SYNTAX');
    assert.equal(error.key, 'rest.port');
    assert.equal(error.message, "conf/config.yaml:3: duplicate key 'rest.port' (already set at line 1).");
  });

  test('rejects a repeated section', () => {
    const error = loadError(workDir(['taskmanager:', '  host: a', 'taskmanager:', '  bind-host: b'].join('\n')));
    assert.equal(error.message, "conf/config.yaml:3: duplicate key 'taskmanager' (already set at line 1).");
  });

  test('rejects a key set both nested and flat', () => {
    const error = loadError(workDir(['taskmanager:', '  numberOfTaskSlots: 2', 'taskmanager.numberOfTaskSlots: 3'].join('\n')));
    assert.equal(error.message, "conf/config.yaml:3: duplicate key 'taskmanager.numberOfTaskSlots' (already set at line 2).");
  });

  test('rejects an option set under its current and its deprecated name', () => {
    const error = loadError(workDir(['execution.buffer-timeout: 10', 'execution.buffer-timeout.interval: 20'].join('\n')));
    assert.equal(
      error.message,
      "conf/config.yaml:2: duplicate key 'execution.buffer-timeout.interval' (already set as 'execution.buffer-timeout' at line 1).",
    );
  });

  test('reports every problem of every source together, in source order', () => {
    const cwd = workDir(
      [
        'rest.port: eighty', // 1: invalid value
        'taskmanager:',
        '  numberOfTaskSlot: 2', // 3: unknown key
        'rest.port: 8081', // 4: duplicate
        'heartbeat.timeout: [1, 2]', // 5: invalid value (list for a duration)
      ].join('\n'),
    );
    const error = loadError(cwd, {
      env: { FLINK_TS_PROPERTIES: 'paralelism.default=2' },
      dynamicProperties: ['execution.runtime-mode=FAST'],
    });
    assert.equal(error.code, 'ERR_CONFIG_INVALID_VALUE');
    assert.equal(error.line, 1);
    assert.equal(error.problems.length, 6);
    assert.equal(
      error.message,
      [
        '6 configuration problems:',
        "  conf/config.yaml:1: invalid value 'eighty' for 'rest.port': expected an integer between 0 and 65535.",
        "  conf/config.yaml:3: unknown configuration key 'taskmanager.numberOfTaskSlot'. Did you mean 'taskmanager.numberOfTaskSlots'? Remove the key or fix its name (see docs/configuration.md).",
        "  conf/config.yaml:4: duplicate key 'rest.port' (already set at line 1).",
        "  conf/config.yaml:5: invalid value '[1, 2]' for 'heartbeat.timeout': expected a duration such as '100 ms', '10 s' or '5 min' (a plain number means milliseconds).",
        "  FLINK_TS_PROPERTIES paralelism.default=2: unknown configuration key 'paralelism.default'. Did you mean 'parallelism.default'? Remove the key or fix its name (see docs/configuration.md).",
        "  -D execution.runtime-mode=FAST: invalid value 'FAST' for 'execution.runtime-mode': expected one of STREAMING, BATCH, AUTOMATIC.",
      ].join('\n'),
    );
  });

  test('reports a missing explicit file together with bad -D properties', () => {
    const error = loadError(workDir(), { confDir: 'nope', dynamicProperties: ['rest.port=x'] });
    assert.deepEqual(
      error.problems.map((problem) => problem.code),
      ['ERR_CONFIG_FILE_NOT_FOUND', 'ERR_CONFIG_INVALID_VALUE'],
    );
  });
});
