import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { quoteShellArg, shScript, shellCommand } from '../../../src/launcher/shell-quote.js';

/** What `sh` makes of a command line: the arguments printf receives, one per line, NUL-separated. */
function shellArgs(line: string): string[] {
  const result = spawnSync('sh', ['-c', line], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\0').slice(0, -1);
}

const NASTY = ['plain', '', ' ', 'two words', "it's", '"double"', '$HOME', '`id`', '$(id)', 'a;b', 'a&&b', 'back\\slash', 'new\nline', '*', '~', '-n', '!event', 'tab\there', 'ünïcødé'];

describe('shell quoting', () => {
  test('sh reads every quoted argument back unchanged', () => {
    assert.deepEqual(shellArgs(`printf '%s\\0' ${NASTY.map(quoteShellArg).join(' ')}`), NASTY);
  });

  test('leaves plain words alone so that logs stay readable', () => {
    assert.equal(quoteShellArg('/opt/flink-ts/bin/flink-ts'), '/opt/flink-ts/bin/flink-ts');
    assert.equal(quoteShellArg('taskmanager.host=127.0.0.2'), 'taskmanager.host=127.0.0.2');
    assert.equal(quoteShellArg("it's"), `'it'\\''s'`);
  });

  test('a command carries its environment and working directory', () => {
    const line = shellCommand(['sh', '-c', 'printf "%s\\0" "$PWD" "$A" "$B"'], { env: { A: "x 'y' $z", B: '' }, cwd: '/' });
    assert.deepEqual(shellArgs(line), ['/', "x 'y' $z", '']);
  });

  test('the launcher\'s scripts run with /bin/sh and the basic tools even on a login without them on PATH', () => {
    const [file, ...args] = shScript('printf "%s|%s|%s" "$1" "$FLINK_TS_LOGIN_PATH" "$(command -v mkdir)"', 'first arg');
    const result = spawnSync(file ?? '', args, { encoding: 'utf8', env: { PATH: '/nonexistent' } });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^first arg\|\/nonexistent\|\/(usr\/)?bin\/mkdir$/);
  });

  test('refuses what it cannot express', () => {
    assert.throws(() => shellCommand([]), TypeError);
    assert.throws(() => shellCommand(['true'], { env: { 'A-B': 'x' } }), /environment variable name/);
  });
});
