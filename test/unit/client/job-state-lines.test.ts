/**
 * The client prints a job's state changes from polled looks, which carry only the last time each
 * state was entered. A restart re-enters RUNNING: the lines must show it even when no look fell
 * into RESTARTING.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobStateLines } from '../../../src/client/job-states.js';

const ID = '0'.repeat(32);

function lines(): { printed: string[]; states: JobStateLines } {
  const printed: string[] = [];
  return { printed, states: new JobStateLines((line) => printed.push(line.replace(`Job ${ID} (j) switched from state `, ''))) };
}

test('a restart between two looks is printed as RUNNING → RESTARTING → RUNNING', () => {
  const { printed, states } = lines();
  states.update(ID, { jobName: 'j', status: 'RUNNING', timestamps: { INITIALIZING: 1, CREATED: 2, RUNNING: 2 } });
  states.update(ID, { jobName: 'j', status: 'RUNNING', timestamps: { INITIALIZING: 1, CREATED: 2, RESTARTING: 50, RUNNING: 150 } });
  states.update(ID, { jobName: 'j', status: 'RUNNING', timestamps: { INITIALIZING: 1, CREATED: 2, RESTARTING: 50, RUNNING: 150 } });
  assert.deepEqual(printed, ['INITIALIZING to CREATED.', 'CREATED to RUNNING.', 'RUNNING to RESTARTING.', 'RESTARTING to RUNNING.']);
});

test('a look inside RESTARTING, then back to RUNNING, prints each change once', () => {
  const { printed, states } = lines();
  states.update(ID, { jobName: 'j', status: 'RUNNING', timestamps: { INITIALIZING: 1, CREATED: 2, RUNNING: 2 } });
  states.update(ID, { jobName: 'j', status: 'RESTARTING', timestamps: { INITIALIZING: 1, CREATED: 2, RUNNING: 2, RESTARTING: 50 } });
  states.update(ID, { jobName: 'j', status: 'RUNNING', timestamps: { INITIALIZING: 1, CREATED: 2, RESTARTING: 50, RUNNING: 150 } });
  states.ended(ID, 'j', 'FINISHED');
  assert.deepEqual(printed, ['INITIALIZING to CREATED.', 'CREATED to RUNNING.', 'RUNNING to RESTARTING.', 'RESTARTING to RUNNING.', 'RUNNING to FINISHED.']);
});
