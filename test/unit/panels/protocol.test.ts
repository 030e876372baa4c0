// The run panel's message protocol: the host accepts exactly the messages the webview may send.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MESSAGE_LIMITS, ProtocolError, assertNever, fromWire, safeFileName, toWire,
} from '../../../src/protocol/common';
import { decodeSteps, encodeSteps, parseRunMessage, runIdFromPanelState } from '../../../src/protocol/run';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const RUN_ID = '0123456789abcdef0123456789abcdef';

describe('run panel protocol: messages from the webview', () => {
  it('accepts each message type and returns only the known fields', () => {
    assert.deepEqual(parseRunMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(parseRunMessage({ type: 'requestHistory', key: 'val_loss' }), { type: 'requestHistory', key: 'val_loss', withTimes: false });
    assert.deepEqual(parseRunMessage({ type: 'requestHistory', key: 'loss', withTimes: true }), { type: 'requestHistory', key: 'loss', withTimes: true });
    assert.deepEqual(parseRunMessage({ type: 'saveNote', text: '' }), { type: 'saveNote', text: '' });
    assert.deepEqual(parseRunMessage({ type: 'saveNote', text: 'tried <b>depth</b> 5' }), { type: 'saveNote', text: 'tried <b>depth</b> 5' });
    assert.deepEqual(parseRunMessage({ type: 'openRun', runId: RUN_ID }), { type: 'openRun', runId: RUN_ID });
    assert.deepEqual(parseRunMessage({ type: 'copyText', text: 'a,b\r\n' }), { type: 'copyText', text: 'a,b\r\n' });
    assert.deepEqual(parseRunMessage({ type: 'copyText', text: 'x', what: 'the hash' }), { type: 'copyText', text: 'x', what: 'the hash' });
    assert.deepEqual(parseRunMessage({ type: 'savePng', name: 'age', dataUrl: PNG }), { type: 'savePng', name: 'age', dataUrl: PNG });
    assert.deepEqual(parseRunMessage({ type: 'saveCsv', name: 'metrics', csv: 'a\r\n' }), { type: 'saveCsv', name: 'metrics', csv: 'a\r\n' });
  });

  it('refuses what is not a message', () => {
    for (const bad of [null, undefined, 'ready', 42, [], { kind: 'ready' }, { type: 7 }]) {
      assert.throws(() => parseRunMessage(bad), ProtocolError, JSON.stringify(bad));
    }
  });

  it('refuses unknown types and missing or mistyped fields', () => {
    const bad: unknown[] = [
      { type: 'deleteEverything' },
      { type: 'requestHistory' },
      { type: 'requestHistory', key: '' },
      { type: 'requestHistory', key: 42 },
      { type: 'requestHistory', key: 'k'.repeat(MESSAGE_LIMITS.key + 1) },
      { type: 'requestHistory', key: 'loss', withTimes: 'yes' },
      { type: 'saveNote' },
      { type: 'saveNote', text: null },
      { type: 'saveNote', text: 'x'.repeat(MESSAGE_LIMITS.text + 1) },
      { type: 'openRun', runId: '../../etc/passwd' },
      { type: 'openRun', runId: 'a b' },
      { type: 'openRun', runId: 'x'.repeat(65) },
      { type: 'openRun', runId: '' },
      { type: 'copyText' },
      { type: 'copyText', text: 'x', what: 5 },
      { type: 'savePng', name: 'x', dataUrl: 'data:image/svg+xml;base64,PHN2Zz4=' },
      { type: 'savePng', name: 'x', dataUrl: 'https://example.invalid/x.png' },
      { type: 'savePng', name: 'x', dataUrl: 'data:image/png;base64,<script>' },
      { type: 'savePng', name: '', dataUrl: PNG },
      { type: 'saveCsv', name: 'x' },
      { type: 'saveCsv', name: 'x'.repeat(MESSAGE_LIMITS.fileName + 1), csv: '' },
    ];
    for (const m of bad) assert.throws(() => parseRunMessage(m), ProtocolError, JSON.stringify(m).slice(0, 80));
  });

  it('names the problem in the error', () => {
    assert.throws(() => parseRunMessage({ type: 'requestHistory', key: 3 }), /"key" must be a string/);
    assert.throws(() => parseRunMessage({ type: 'nope' }), /unknown message type "nope"/);
  });
});

describe('run panel protocol: saved panel state', () => {
  it('gives back the run id of a valid state and nothing else', () => {
    assert.equal(runIdFromPanelState({ runId: RUN_ID, ui: { normalization: 'row' } }), RUN_ID);
    assert.equal(runIdFromPanelState({ runId: 'mlflow-run_1' }), 'mlflow-run_1');
    for (const bad of [undefined, null, 'x', {}, { runId: 5 }, { runId: '' }, { runId: '<img src=x>' }, { runId: 'a/b' }]) {
      assert.equal(runIdFromPanelState(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('metric histories on the wire', () => {
  it('sends evenly spaced steps as start and spacing, anything else as the array', () => {
    const even = Float64Array.from({ length: 100_000 }, (_, i) => 10 * i + 5);
    assert.deepEqual(encodeSteps(even), { start: 5, step: 10 });
    assert.deepEqual([...decodeSteps(encodeSteps(even), even.length)], [...even]);
    const uneven = Float64Array.of(0, 1, 2, 4);
    assert.equal(encodeSteps(uneven), uneven);
    assert.equal(decodeSteps(uneven, 4), uneven);
    assert.deepEqual(encodeSteps(Float64Array.of(7)), { start: 7, step: 1 });
    assert.deepEqual([...decodeSteps(encodeSteps(new Float64Array(0)), 0)], []);
    const repeated = Float64Array.of(3, 3, 3);
    assert.deepEqual([...decodeSteps(encodeSteps(repeated), 3)], [3, 3, 3]);
  });
});

describe('protocol helpers', () => {
  it('carries NaN and infinities through JSON', () => {
    for (const x of [0, -1.5, 1e-300, NaN, Infinity, -Infinity]) {
      const back = fromWire(JSON.parse(JSON.stringify(toWire(x))));
      assert.ok(Object.is(back, x) || (Number.isNaN(x) && Number.isNaN(back)), String(x));
    }
  });

  it('makes safe file names for save dialogs', () => {
    assert.equal(safeFileName('train.csv-Age', 'png'), 'train.csv-Age.png');
    assert.equal(safeFileName('../../etc/passwd', 'csv'), 'etc-passwd.csv');
    assert.equal(safeFileName('a:b*c?"d"<e>|f', 'png'), 'a-b-c-d-e-f.png');
    assert.equal(safeFileName('...', 'png'), 'export.png');
    assert.equal(safeFileName('metrics.CSV', 'csv'), 'metrics.csv');
    assert.equal(safeFileName('tab\there\u0000', '.csv'), 'tab here.csv');
    assert.ok(safeFileName('x'.repeat(500), 'png').length <= 124);
  });

  it('assertNever throws with the value', () => {
    assert.throws(() => assertNever({ type: 'x' } as never, 'message'), /unhandled message: \{"type":"x"\}/);
  });
});
