// Regenerates golden-frames.txt (node >= 12; checked in, NOT run by the tests):
//   node generate-golden.js > golden-frames.txt
// Each line: <name> <frame hex> <data hex>
// frame = UTF8(JSON.stringify({type, data})) + '\f', exactly as node-ipc writes it (data undefined -> {}).
// data  = UTF8(JSON.stringify(data-as-sent)), i.e. the bytes a decoder must report for the "data" value.
'use strict';
const cases = [
  ['message_hello', 'message', 'hello'],
  ['reply_hello', 'reply', 'hello'],
  ['message_object', 'message', {id: 'client1', n: 1, s: '\u00e9\u20ac'}],
  ['news', 'news', {n: 1}],
  ['ev_undefined', 'ev', undefined],
  ['ev_hi', 'ev', 'hi'],
  ['ev_a1', 'ev', {a: 1}],
  ['ev_array', 'ev', [1, 'two']],
  ['ev_zero', 'ev', 0],
  ['ev_false', 'ev', false],
  ['ev_true', 'ev', true],
  ['ev_null', 'ev', null],
  ['ev_empty_string', 'ev', ''],
  ['ev_controls', 'ev', '\u0000\u0001\u0007\b\t\n\u000b\f\r\u000e\u001b\u001f"\\/\u007f\u0080\u2028\u2029'],
  ['ev_unicode', 'ev', '\u00e9\u20ac\ud83d\ude00\u4e2d\u6587 \u00a0 \ufeff \ud834\udd1e'],
  ['ev_lone_surrogates', 'ev', '\ud800x\udc00y\ud83d'],
  ['ev_numbers', 'ev', [1.5, 0.1, 1e21, 1e-7, 123456789012, -0, 5e-324, 1.7976931348623157e308, 100, 1e20,
                        0.000001, -2.5e-10, 123.456, 2 ** 60, 9007199254740991, NaN, Infinity, -Infinity, 1 / 3, -1e-7, 4.35]],
  ['ev_nested', 'ev', {a: [true, null, {b: 'c'}], 'k\n\u0001': 'v', '\u00e9': []}],
  ['type_escapes', 't"e\n\u20ac\u0001\ud83d\ude00', 1],
  ['ev_record', 'ev', {name: 'x', n: 1, ok: true}],
];
const hex = (s) => Buffer.from(s, 'utf8').toString('hex');
for (const [name, type, data] of cases) {
  const frame = JSON.stringify({type, data: data === undefined ? {} : data}) + '\f';
  process.stdout.write(`${name} ${hex(frame)} ${hex(JSON.stringify(data === undefined ? {} : data))}\n`);
}
