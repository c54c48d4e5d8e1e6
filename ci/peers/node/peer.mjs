#!/usr/bin/env node
// A jipc proto-mode peer in Node, written from proto/README.md (the protocol spec) alone.
//
// Runs one endpoint, a client or a server, over a Unix domain socket or TCP, speaking jipc's proto mode: the 6-byte
// preamble from the client, then varint-delimited jipc.v1.Envelope messages both ways. The schema is loaded at run
// time with protobufjs from the .proto files (no generated code). Tests script it through lines of JSON: one
// command per stdin line, one event per stdout line (see ../README.md).
//
//   node peer.mjs --proto-path proto --proto-path ci/peers/proto --role server|client --transport unix|tcp
//        [--path P] [--host H] [--port N] [--echo] [--max-frame-bytes N] [--preamble-version N] [--preamble-delay-ms N]

import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import {parseArgs} from 'node:util';
import protobuf from 'protobufjs';

const MAGIC = Buffer.from([0x8f, 0x6a, 0x69, 0x70, 0x63]); // spec 3.1: magic lead byte, then "jipc"
const VERSION = 1;
const RESERVED_TYPES = new Set(['connect', 'disconnect', 'socket.disconnected', 'destroy', 'error', 'data', 'start',
    'close']);
const MAX_VARINT_BYTES = 5; // spec 3.2

const {values: opts} = parseArgs({
    options: {
        'proto-path': {type: 'string', multiple: true, default: []},
        role: {type: 'string'},
        transport: {type: 'string'},
        path: {type: 'string'},
        host: {type: 'string', default: '127.0.0.1'},
        port: {type: 'string', default: '0'},
        echo: {type: 'boolean', default: false},
        'max-frame-bytes': {type: 'string', default: String(16 * 1024 * 1024)},
        'preamble-version': {type: 'string', default: String(VERSION)},
        'preamble-delay-ms': {type: 'string', default: '0'},
    },
});
if (!['server', 'client'].includes(opts.role) || !['unix', 'tcp', 'udp4'].includes(opts.transport)
    || (opts.transport === 'unix' && !opts.path)) {
    process.stderr.write('usage: node peer.mjs --proto-path DIR... --role server|client --transport unix|tcp|udp4 '
        + '[--path P] [--host H] [--port N] [--echo] [--max-frame-bytes N] [--preamble-version N] [--preamble-delay-ms N]\n');
    process.exit(2);
}
const maxFrameBytes = Number(opts['max-frame-bytes']);

// --- the schema, loaded from the .proto files ------------------------------------------------------------------

const root = new protobuf.Root();
root.resolvePath = (origin, target) => {
    for (const dir of opts['proto-path']) {
        const candidate = path.join(dir, target);
        if (fs.existsSync(candidate)) return candidate;
    }
    // google/protobuf/*.proto: protobufjs ships them
    return protobuf.util.path.resolve(origin, target);
};
root.loadSync(['jipc/v1/envelope.proto', 'jipc/peertest/v1/peertest.proto']);
const Envelope = root.lookupType('jipc.v1.Envelope');
const knownTypes = new Map(['jipc.peertest.v1.Order', 'jipc.peertest.v1.Address']
    .map((name) => [name, root.lookupType(name)]));

// --- JSON <-> google.protobuf.Value ----------------------------------------------------------------------------

function toValue(json) {
    if (json === null) return {nullValue: 0};
    if (Array.isArray(json)) return {listValue: {values: json.map(toValue)}};
    switch (typeof json) {
        case 'boolean': return {boolValue: json};
        case 'number': return {numberValue: json};
        case 'string': return {stringValue: json};
        case 'object':
            return {structValue: {fields: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, toValue(v)]))}};
        default: throw new Error(`not JSON: ${typeof json}`);
    }
}

function fromValue(value) {
    switch (value.kind) {
        case 'nullValue': return null;
        case 'boolValue': return value.boolValue;
        case 'numberValue': return value.numberValue;
        case 'stringValue': return value.stringValue;
        case 'listValue': return (value.listValue.values ?? []).map(fromValue);
        case 'structValue':
            return Object.fromEntries(Object.entries(value.structValue.fields ?? {}).map(([k, v]) => [k, fromValue(v)]));
        default: throw new ProtocolError('EMALFORMED', 'a Value with no kind set');
    }
}

// --- payloads: Envelope <-> the JSON of the line protocol ------------------------------------------------------

const TYPE_URL_PREFIX = 'type.googleapis.com/';

function payloadOf(envelope) {
    switch (envelope.payload) {
        case 'data': return {data: fromValue(envelope.data)};
        case 'typed': {
            const url = envelope.typed.type_url; // protobufjs keeps the bundled any.proto names as written
            const name = url.slice(url.lastIndexOf('/') + 1);
            const type = knownTypes.get(name);
            if (!type) return {typed: {typeUrl: url, base64: Buffer.from(envelope.typed.value).toString('base64')}};
            const message = type.decode(envelope.typed.value);
            return {typed: {type: name, json: type.toObject(message, {longs: String, enums: String, bytes: String})}};
        }
        case 'opaque': return {opaque: Buffer.from(envelope.opaque).toString('base64')};
        default: return {};
    }
}

function payloadFrom(command) {
    if ('data' in command) return {data: toValue(command.data)};
    if ('typed' in command) {
        if ('typeUrl' in command.typed) { // a type this peer need not know: the Any as given, as it is printed
            return {typed: {type_url: command.typed.typeUrl, value: Buffer.from(command.typed.base64, 'base64')}};
        }
        const type = knownTypes.get(command.typed.type);
        if (!type) throw new Error(`unknown message type ${command.typed.type}`);
        const message = type.fromObject(command.typed.json);
        return {typed: {type_url: TYPE_URL_PREFIX + command.typed.type, value: type.encode(message).finish()}};
    }
    if ('opaque' in command) return {opaque: Buffer.from(command.opaque, 'base64')};
    return {};
}

// --- framing (spec 3.2) -----------------------------------------------------------------------------------------

class ProtocolError extends Error {
    constructor(code, message) {
        super(message);
        this.code = code;
    }
}

// uint64 fields decode as Long objects when the long package is present (protobufjs depends on it).
const toNumber = (v) => (typeof v === 'number' ? v : v.toNumber());

const frame = (fields) => Envelope.encodeDelimited(Envelope.create(fields)).finish();

// protobufjs decodes strings leniently; proto3 requires valid UTF-8 in `type` (spec 7), so check its raw bytes.
const strictUtf8 = new TextDecoder('utf-8', {fatal: true});

function checkType(body) {
    const reader = protobuf.Reader.create(body);
    while (reader.pos < reader.len) {
        const tag = reader.uint32();
        if (tag >>> 3 === 1 && (tag & 7) === 2) {
            try {
                strictUtf8.decode(reader.bytes());
            } catch {
                throw new ProtocolError('EMALFORMED', 'type is not valid UTF-8');
            }
        } else {
            reader.skipType(tag & 7);
        }
    }
}

function decodeEnvelope(body) {
    let envelope;
    try {
        checkType(body);
        envelope = Envelope.decode(body);
    } catch (e) {
        if (e instanceof ProtocolError) throw e;
        throw new ProtocolError('EMALFORMED', `envelope does not parse: ${e.message}`);
    }
    if (!envelope.type) throw new ProtocolError('EMALFORMED', 'empty type');
    if (RESERVED_TYPES.has(envelope.type)) throw new ProtocolError('ERESERVED', `reserved event name ${envelope.type}`);
    return envelope;
}

/** A UDP datagram (spec 4): the preamble, then exactly one delimited Envelope filling the rest. */
function parseDatagram(data) {
    if (data.length <= MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
        throw new ProtocolError('EMALFORMED', 'datagram does not start with the jipc preamble');
    }
    if (data[MAGIC.length] !== VERSION) {
        throw new ProtocolError('EVERSION', `unsupported protocol version ${data[MAGIC.length]}`);
    }
    let pos = MAGIC.length + 1;
    let size = 0;
    for (let i = 0; ; i++) {
        if (i === MAX_VARINT_BYTES || pos >= data.length) throw new ProtocolError('EMALFORMED', 'bad frame length varint');
        const byte = data[pos++];
        size += (byte & 0x7f) * 2 ** (7 * i);
        if (!(byte & 0x80)) break;
    }
    if (size > maxFrameBytes) {
        throw new ProtocolError('EFRAMETOOLARGE', `frame of ${size} bytes exceeds maxFrameBytes ${maxFrameBytes}`);
    }
    if (pos + size !== data.length) {
        throw new ProtocolError('EMALFORMED', `envelope of ${size} bytes does not fill the datagram's ${data.length - pos}`);
    }
    return decodeEnvelope(data.subarray(pos));
}

const datagram = (fields) => Buffer.concat([MAGIC, Buffer.from([VERSION]), frame(fields)]);

/** Splits a byte stream into Envelopes, whatever the chunk boundaries; checks a frame's size from its varint alone. */
class FrameDecoder {
    constructor(expectPreamble) {
        this.buffer = Buffer.alloc(0);
        this.needPreamble = expectPreamble;
    }

    push(chunk) {
        this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
        const envelopes = [];
        if (this.needPreamble) {
            const seen = Math.min(this.buffer.length, MAGIC.length);
            if (!this.buffer.subarray(0, seen).equals(MAGIC.subarray(0, seen))) {
                throw new ProtocolError('EMALFORMED', 'expected the jipc preamble');
            }
            if (this.buffer.length <= MAGIC.length) return envelopes;
            const version = this.buffer[MAGIC.length];
            if (version !== VERSION) throw new ProtocolError('EVERSION', `unsupported protocol version ${version}`);
            this.buffer = this.buffer.subarray(MAGIC.length + 1);
            this.needPreamble = false;
        }
        for (;;) {
            let size = 0;
            let i = 0;
            for (;; i++) {
                if (i === MAX_VARINT_BYTES) throw new ProtocolError('EMALFORMED', 'frame length varint longer than 5 bytes');
                if (i >= this.buffer.length) return envelopes; // the varint is not complete yet
                const byte = this.buffer[i];
                size += (byte & 0x7f) * 2 ** (7 * i);
                if (!(byte & 0x80)) break;
            }
            if (size > maxFrameBytes) {
                throw new ProtocolError('EFRAMETOOLARGE', `frame of ${size} bytes exceeds maxFrameBytes ${maxFrameBytes}`);
            }
            const start = i + 1;
            if (this.buffer.length < start + size) return envelopes;
            envelopes.push(decodeEnvelope(this.buffer.subarray(start, start + size)));
            this.buffer = this.buffer.subarray(start + size);
        }
    }

    /** What is left at the end of the stream: a truncated preamble or frame is an error. */
    pending() {
        return this.buffer.length;
    }
}

// --- output -----------------------------------------------------------------------------------------------------

function out(event) {
    process.stdout.write(`${JSON.stringify(event)}\n`);
}

// --- one connection ---------------------------------------------------------------------------------------------

class Connection {
    constructor(socket, number, expectPreamble) {
        this.socket = socket;
        this.number = number; // server side: the socket number in events; client side: undefined
        this.decoder = new FrameDecoder(expectPreamble);
        this.waiting = new Map(); // request id -> {resolve, reject, timer}
        this.nextId = 1;
        this.failed = false;
        socket.on('data', (chunk) => this.receive(chunk));
        socket.on('error', (e) => {
            if (!this.failed) out(this.tagged({event: 'error', code: e.code ?? 'ESOCKET', message: e.message}));
        });
        socket.on('close', () => this.closed());
    }

    tagged(event) {
        return this.number === undefined ? event : {...event, socket: this.number};
    }

    send(fields) {
        this.socket.write(frame(fields));
    }

    request(fields, timeoutMs) {
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.waiting.delete(id);
                reject(new Error('ETIMEDOUT'));
            }, timeoutMs);
            this.waiting.set(id, {resolve, reject, timer});
            this.send({...fields, id});
        });
    }

    receive(chunk) {
        if (this.failed) return;
        try {
            const envelopes = this.decoder.push(chunk);
            if (this.number !== undefined && !this.decoder.needPreamble && !peer.connections.has(this.number)) {
                peer.connections.set(this.number, this); // a server's connection counts once its preamble is valid
                out({event: 'connect', socket: this.number});
            }
            for (const envelope of envelopes) this.dispatch(envelope);
        } catch (e) {
            if (!(e instanceof ProtocolError)) throw e;
            this.failed = true;
            out(this.tagged({event: 'error', code: e.code, message: e.message}));
            this.socket.destroy();
        }
    }

    dispatch(envelope) {
        const re = toNumber(envelope.re);
        const id = toNumber(envelope.id);
        if (re) { // a reply (spec 6): only to the request waiting for it; unknown ones are dropped
            const waiter = this.waiting.get(re);
            if (waiter) {
                this.waiting.delete(re);
                clearTimeout(waiter.timer);
                waiter.resolve(envelope);
            }
            return;
        }
        const event = {event: id ? 'request' : 'message', type: envelope.type, ...payloadOf(envelope)};
        if (id) event.id = id;
        out(this.tagged(event));
        if (opts.echo) { // send it back: a reply to a request, the same event otherwise
            const answer = {type: envelope.type};
            if (id) answer.re = id;
            if (envelope.payload) answer[envelope.payload] = envelope[envelope.payload];
            this.send(answer);
        }
    }

    closed() {
        if (!this.failed && this.decoder.pending() > 0) {
            out(this.tagged({event: 'error', code: 'ETRUNCATED',
                message: `connection closed inside a frame (${this.decoder.pending()} bytes pending)`}));
        }
        for (const {reject, timer} of this.waiting.values()) {
            clearTimeout(timer);
            reject(new Error('ECLOSED: connection closed before the reply'));
        }
        this.waiting.clear();
        peer.closed(this);
    }
}

// --- the peer: server or client role, stdin commands ------------------------------------------------------------

const peer = {
    connections: new Map(), // number (server) or 0 (client) -> Connection
    nextNumber: 1,
    server: null,
    udp: null,

    /** UDP has no client or server: both roles bind (a server at --host/--port); a client sends to --port. */
    startUdp() {
        this.udp = dgram.createSocket('udp4');
        this.udp.on('message', (data, rinfo) => {
            const from = {from: {address: rinfo.address, port: rinfo.port}};
            let envelope;
            try {
                envelope = parseDatagram(data);
            } catch (e) {
                if (!(e instanceof ProtocolError)) throw e;
                out({event: 'error', code: e.code, message: e.message, ...from});
                return;
            }
            out({event: 'message', type: envelope.type, ...payloadOf(envelope), ...from});
            if (opts.echo) {
                const answer = {type: envelope.type};
                if (envelope.payload) answer[envelope.payload] = envelope[envelope.payload];
                this.udp.send(datagram(answer), rinfo.port, rinfo.address);
            }
        });
        this.udp.bind(opts.role === 'server' ? Number(opts.port) : 0, opts.host, () => {
            const {address, port} = this.udp.address();
            out({event: 'ready', role: opts.role, transport: 'udp4', pid: process.pid, host: address, port});
            readCommands();
        });
    },

    udpTarget(command) {
        const port = Number(command.port ?? (opts.role === 'client' ? opts.port : 0));
        if (!port) throw new Error('udp: say where to send ("port", optional "address")');
        return [port, command.address ?? opts.host];
    },

    start() {
        if (opts.transport === 'udp4') {
            this.startUdp();
            return;
        }
        const where = opts.transport === 'unix' ? {path: opts.path} : {host: opts.host, port: Number(opts.port)};
        if (opts.role === 'server') {
            this.server = net.createServer((socket) => {
                new Connection(socket, this.nextNumber++, true);
            });
            this.server.on('error', (e) => {
                out({event: 'fatal', message: e.message});
                process.exit(1);
            });
            this.server.listen(where, () => {
                const address = this.server.address();
                const at = typeof address === 'string' ? {path: address} : {host: address.address, port: address.port};
                out({event: 'ready', role: 'server', transport: opts.transport, pid: process.pid, ...at});
                readCommands();
            });
        } else {
            const socket = net.connect(where);
            socket.once('error', (e) => {
                out({event: 'fatal', message: e.message});
                process.exit(1);
            });
            socket.once('connect', () => {
                const connection = new Connection(socket, undefined, false);
                // --preamble-delay-ms: a late client, against the spec (3.3), to test a server's refusal
                setTimeout(() => {
                    socket.write(Buffer.concat([MAGIC, Buffer.from([Number(opts['preamble-version'])])]));
                    this.connections.set(0, connection);
                    out({event: 'ready', role: 'client', transport: opts.transport, pid: process.pid, ...where});
                    readCommands();
                }, Number(opts['preamble-delay-ms']));
            });
        }
    },

    closed(connection) {
        if (connection.number === undefined) {
            this.connections.delete(0);
            out({event: 'disconnect'});
        } else if (this.connections.delete(connection.number)) {
            out({event: 'socket.disconnected', socket: connection.number});
        }
    },

    target(command) {
        const number = opts.role === 'server' ? Number(command.socket ?? 0) : 0;
        const connection = this.connections.get(number);
        if (!connection) throw new Error(opts.role === 'server' ? `no connection ${number}` : 'not connected');
        return connection;
    },

    async handle(command) {
        const ack = {event: 'ack', op: command.op, seq: command.seq};
        if (this.udp && (command.op === 'emit' || command.op === 'sendRaw')) {
            const bytes = command.op === 'emit' ? datagram({type: command.type, ...payloadFrom(command)})
                : Buffer.from(command.base64, 'base64');
            await new Promise((resolve, reject) => this.udp.send(bytes, ...this.udpTarget(command),
                (e) => (e ? reject(e) : resolve())));
            out(ack);
            return;
        }
        switch (command.op) {
            case 'emit':
                this.target(command).send({type: command.type, ...payloadFrom(command)});
                break;
            case 'broadcast': {
                const bytes = frame({type: command.type, ...payloadFrom(command)}); // encoded once for all
                for (const connection of this.connections.values()) connection.socket.write(bytes);
                ack.count = this.connections.size;
                break;
            }
            case 'request': {
                const connection = this.target(command);
                const reply = await connection.request({type: command.type, ...payloadFrom(command)},
                    command.timeoutMs ?? 10000);
                ack.reply = reply.error
                    ? {error: {code: reply.error.code, message: reply.error.message}}
                    : {type: reply.type, ...payloadOf(reply)};
                break;
            }
            case 'reply': {
                const fields = {type: command.type, re: command.re};
                if (command.error) fields.error = command.error;
                else Object.assign(fields, payloadFrom(command));
                this.target(command).send(fields);
                break;
            }
            case 'sendRaw':
                this.target(command).socket.write(Buffer.from(command.base64, 'base64'));
                break;
            case 'close':
                this.target(command).socket.end();
                break;
            case 'exit':
                out(ack);
                this.exit();
                return;
            default:
                throw new Error(`unknown op ${command.op}`);
        }
        out(ack);
    },

    exit() {
        if (this.udp) {
            this.udp.close(() => process.exit(0));
            return;
        }
        if (this.server) this.server.close();
        for (const connection of this.connections.values()) connection.socket.end();
        // Let pending writes and stdout drain, but never hang.
        setTimeout(() => process.exit(0), 2000).unref();
        process.stdout.write('', () => {
            if (this.connections.size === 0) process.exit(0);
        });
        const check = setInterval(() => {
            if (this.connections.size === 0) process.exit(0);
        }, 20);
        check.unref();
    },
};

function readCommands() {
    const lines = readline.createInterface({input: process.stdin, crlfDelay: Infinity, terminal: false});
    lines.on('line', (line) => {
        if (!line.trim()) return;
        let command;
        try {
            command = JSON.parse(line);
        } catch (e) {
            out({event: 'ack', op: null, error: `bad command JSON: ${e.message}`});
            return;
        }
        // Commands start in order; an emit writes synchronously, so a waiting request never delays later ones.
        peer.handle(command).catch((e) => out({event: 'ack', op: command.op, seq: command.seq, error: e.message}));
    });
    lines.on('close', () => peer.exit());
}

peer.start();
