import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  CONFIGURATION_DOCS_URL,
  OPTIONS_TABLE_BEGIN,
  OPTIONS_TABLE_END,
  renderOptionsTable,
  updateConfigurationDocs,
} from '../../../src/config/generate-docs.js';
import { ALL_OPTIONS } from '../../../src/config/index.js';

describe('docs/configuration.md', () => {
  test('has an options table that matches the registry (regenerate: npx tsx src/config/generate-docs.ts)', () => {
    const docs = readFileSync(CONFIGURATION_DOCS_URL, 'utf8');
    assert.ok(docs.includes(OPTIONS_TABLE_BEGIN) && docs.includes(OPTIONS_TABLE_END));
    assert.equal(updateConfigurationDocs(docs), docs);
  });

  test('lists every option exactly once', () => {
    const table = renderOptionsTable();
    for (const option of ALL_OPTIONS) {
      const rows = table.split('\n').filter((line) => line.startsWith(`| \`${option.key}\` |`));
      assert.equal(rows.length, 1, option.key);
    }
  });

  test('shows types, defaults and deprecated keys', () => {
    const table = renderOptionsTable();
    assert.ok(table.includes('| `parallelism.default` | Integer (>= 1) | `1` |'));
    assert.ok(table.includes('| `taskmanager.memory.process.size` | MemorySize | `1728 mb` |'));
    assert.ok(table.includes('| `execution.checkpointing.interval` | Duration | (none) |'));
    assert.ok(table.includes('Deprecated key: `execution.buffer-timeout`.'));
  });
});
