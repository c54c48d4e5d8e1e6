// Regenerates js-numbers.txt (checked in, NOT run by the tests): node generate-js-numbers.js > js-numbers.txt
// Each line: <IEEE-754 bits as 16 hex digits> <String(x) in JavaScript, which JSON.stringify uses for finite x>
'use strict';
let seed = 12345;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const buf = Buffer.alloc(8);
const out = [];
const emit = (x) => { if (!Number.isFinite(x)) return; buf.writeDoubleBE(x); out.push(`${buf.toString('hex')} ${String(x)}`); };
for (let i = 0; i < 1500; i++) {           // random bit patterns: all exponents, subnormals included
  for (let j = 0; j < 8; j++) buf[j] = Math.floor(rnd() * 256);
  emit(buf.readDoubleBE(0));
}
for (let i = 0; i < 500; i++) emit(Math.round((rnd() - 0.5) * 1e6) / Math.pow(10, Math.floor(rnd() * 12)));
for (let i = 0; i < 300; i++) emit(Math.floor(rnd() * Math.pow(2, 70)) * (rnd() < 0.5 ? -1 : 1));
for (let i = 0; i < 200; i++) emit(Math.floor(rnd() * 1000) * 5e-324);
for (const e of [-8, -7, -6, -5, 20, 21, 22]) { emit(Math.pow(10, e)); emit(1.5 * Math.pow(10, e)); emit(-1.25 * Math.pow(10, e)); }
process.stdout.write(out.join('\n') + '\n');
