import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MultipartPart } from '../../../src/runtime/rest/multipart.js';
import { MultipartError, MultipartParser, boundaryOf } from '../../../src/runtime/rest/multipart.js';

interface Parsed {
  readonly part: MultipartPart;
  readonly content: string;
}

async function parse(body: Buffer, boundary: string, chunkSize: number, limits = { maxParts: 10, maxHeaderBytes: 1024 }): Promise<Parsed[]> {
  const parts: { part: MultipartPart; chunks: Buffer[]; ended: boolean }[] = [];
  const parser = new MultipartParser(
    boundary,
    (part) => {
      const entry = { part, chunks: [] as Buffer[], ended: false };
      parts.push(entry);
      return {
        // Asynchronous on purpose: the parser must wait for slow sinks.
        write: async (chunk) => {
          await Promise.resolve();
          entry.chunks.push(Buffer.from(chunk));
        },
        end: () => {
          entry.ended = true;
        },
      };
    },
    limits,
  );
  for (let i = 0; i < body.length; i += chunkSize) await parser.write(body.subarray(i, i + chunkSize));
  parser.end();
  assert.ok(parts.every((p) => p.ended));
  return parts.map((p) => ({ part: p.part, content: Buffer.concat(p.chunks).toString('latin1') }));
}

const BODY = Buffer.from(
  [
    'preamble to ignore',
    '--XbOuNdArY',
    'Content-Disposition: form-data; name="request"',
    '',
    '{"a":1}',
    '--XbOuNdArY  ',
    'Content-Disposition: form-data; name="file_0"; filename="my \\"file\\".bin"',
    'Content-Type: application/octet-stream',
    '',
    // Looks like a boundary but is not one: no leading CRLF, or a different boundary.
    'line1\r\n--XbOuNdAr\r\n-XbOuNdArY\r\n\r\nend',
    '--XbOuNdArY',
    "Content-Disposition: form-data; name=\"utf\"; filename*=UTF-8''caf%C3%A9.ts",
    '',
    '',
    '--XbOuNdArY--',
    'epilogue to ignore',
  ].join('\r\n'),
  'latin1',
);

test('parts are found whatever the chunking, boundaries straddling chunks included', async () => {
  const expected: Parsed[] = [
    { part: { name: 'request', filename: undefined, contentType: undefined }, content: '{"a":1}' },
    {
      part: { name: 'file_0', filename: 'my "file".bin', contentType: 'application/octet-stream' },
      content: 'line1\r\n--XbOuNdAr\r\n-XbOuNdArY\r\n\r\nend',
    },
    { part: { name: 'utf', filename: 'café.ts', contentType: undefined }, content: '' },
  ];
  for (const size of [1, 2, 3, 7, 13, 64, BODY.length]) {
    assert.deepEqual(await parse(BODY, 'XbOuNdArY', size), expected, `chunk size ${size}`);
  }
});

test('binary content passes through unchanged', async () => {
  const payload = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));
  const body = Buffer.concat([
    Buffer.from('--b\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n\r\n'),
    payload,
    Buffer.from('\r\n--b--\r\n'),
  ]);
  const [part] = await parse(body, 'b', 100);
  assert.deepEqual(Buffer.from(part?.content ?? '', 'latin1'), payload);
});

test('malformed bodies and exceeded limits are MultipartErrors', async () => {
  const cases: [string, string, RegExp, { maxParts: number; maxHeaderBytes: number }?][] = [
    ['--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx', 'b', /ended before its closing boundary/],
    ['--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--', 'b', /no "Content-Disposition: form-data" header/],
    ['--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--', 'b', /no field name/],
    ['--b\r\nno colon here\r\n\r\nx\r\n--b--', 'b', /Malformed multipart part header/],
    ['--bXX', 'b', /not followed by a line break/],
    [
      '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name="b"\r\n\r\n2\r\n--b--',
      'b',
      /more than 1 parts/,
      { maxParts: 1, maxHeaderBytes: 1024 },
    ],
    [`--b\r\nContent-Disposition: form-data; name="a"; x="${'y'.repeat(100)}"\r\n\r\nx\r\n--b--`, 'b', /headers exceed 50 bytes/, { maxParts: 5, maxHeaderBytes: 50 }],
  ];
  for (const [body, boundary, expected, limits] of cases) {
    await assert.rejects(
      async () => parse(Buffer.from(body), boundary, 5, limits),
      (error: unknown) => error instanceof MultipartError && expected.test(error.message),
      body,
    );
  }
});

test('boundaryOf reads the boundary of multipart/form-data only', () => {
  assert.equal(boundaryOf('multipart/form-data; boundary=----WebKitFormBoundaryABC'), '----WebKitFormBoundaryABC');
  assert.equal(boundaryOf('Multipart/Form-Data; charset=utf-8; boundary="quoted; boundary"'), 'quoted; boundary');
  assert.throws(() => boundaryOf('application/json'), /Expected a multipart\/form-data request/);
  assert.throws(() => boundaryOf(undefined), MultipartError);
  assert.throws(() => boundaryOf('multipart/form-data'), /no valid boundary/);
  assert.throws(() => boundaryOf('multipart/mixed; boundary=x'), MultipartError);
});
