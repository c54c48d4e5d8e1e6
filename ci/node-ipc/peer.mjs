#!/usr/bin/env node
// Scriptable node-ipc peer for jipc's interop tests.
//
// Runs one real node-ipc endpoint (9.2.1 classic line or the 14.0.0 rewrite) as a server or a client and
// exposes it through a line protocol: one JSON command per stdin line, one JSON event per stdout line.
// See README.md in this directory for the full protocol. Nothing here is part of jipc itself.
//
//   node peer.mjs --version 9|14 --role server|client --transport unix|tcp|udp4|udp6 [options]

import {createRequire} from 'node:module';
import fs from 'node:fs';
import readline from 'node:readline';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------------------------
// command line
// ---------------------------------------------------------------------------------------------------------------

const BOOLEAN_FLAGS = new Set([
    'stop-retrying', 'echo', 'raw-buffer', 'sync', 'no-unlink', 'identify-peer', 'secure-socket-root', 'help'
]);

function parseArgs(argv) {
    const opts = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith('--')) {
            usage(`unexpected argument: ${arg}`);
        }
        let name = arg.slice(2);
        let value;
        const eq = name.indexOf('=');
        if (eq !== -1) {
            value = name.slice(eq + 1);
            name = name.slice(0, eq);
        } else if (BOOLEAN_FLAGS.has(name)) {
            value = true;
        } else {
            if (i + 1 >= argv.length) {
                usage(`missing value for --${name}`);
            }
            value = argv[++i];
        }
        opts[name] = value;
    }
    return opts;
}

function usage(problem) {
    process.stderr.write(
        (problem ? `peer.mjs: ${problem}\n` : '') +
        'usage: node peer.mjs --version 9|14 --role server|client --transport unix|tcp|udp4|udp6\n' +
        '         [--id ID] [--socket-root DIR] [--appspace S] [--path PATH] [--host H] [--port N]\n' +
        '         [--retry MS] [--max-retries N] [--stop-retrying] [--events a,b,c|*] [--echo]\n' +
        '         [--raw-buffer] [--delimiter STR] [--server-id ID] [--encoding ENC] [--sync]\n' +
        '         [--no-unlink] [--parser fast|guarded] [--identify-peer] [--secure-socket-root]\n' +
        '         [--config JSON]\n'
    );
    process.exit(problem ? 2 : 0);
}

const opts = parseArgs(process.argv.slice(2));
if (opts.help) {
    usage();
}
const version = String(opts.version || '');
const role = String(opts.role || '');
const transport = String(opts.transport || 'unix');
if (version !== '9' && version !== '14') {
    usage('--version must be 9 or 14');
}
if (role !== 'server' && role !== 'client') {
    usage('--role must be server or client');
}
if (!['unix', 'tcp', 'udp4', 'udp6'].includes(transport)) {
    usage('--transport must be unix, tcp, udp4 or udp6');
}
const udp = transport === 'udp4' || transport === 'udp6';
if (udp && role !== 'server') {
    usage('udp4/udp6 need --role server (node-ipc has no UDP client: a UDP peer is another UDP server)');
}
const serverId = opts['server-id'] !== undefined ? String(opts['server-id']) : 'world';
const echo = Boolean(opts.echo);
const raw = Boolean(opts['raw-buffer']);
const eventTypes = opts.events ? String(opts.events).split(',').map((s) => s.trim()).filter(Boolean) : [];
const wildcard = eventTypes.includes('*');

// Event names node-ipc uses for its own lifecycle; never reported as custom messages.
const BUILTIN_EVENTS = new Set(['start', 'connect', 'disconnect', 'destroy', 'close', 'socket.disconnected', 'error', 'data']);

// ---------------------------------------------------------------------------------------------------------------
// node-ipc loading
// ---------------------------------------------------------------------------------------------------------------

function installedVersion(alias) {
    // v14's "exports" hides package.json, so read it from disk.
    const file = new URL(`./node_modules/${alias}/package.json`, import.meta.url);
    return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

let IpcClass;
let libraryVersion;
if (version === '9') {
    // CommonJS; the module exports a singleton whose .IPC is the class.
    IpcClass = require('node-ipc-9').IPC;
    libraryVersion = installedVersion('node-ipc-9');
} else {
    // ESM only (and declares node >= 22.13, but imports fine on node 20).
    const mod = await import('node-ipc-14');
    IpcClass = mod.IPCModule;
    libraryVersion = installedVersion('node-ipc-14');
}

function newIpc() {
    const ipc = new IpcClass();
    const c = ipc.config;
    c.silent = true;
    if (opts.id !== undefined) c.id = String(opts.id);
    if (opts['socket-root'] !== undefined) {
        let root = String(opts['socket-root']);
        if (!root.endsWith('/')) root += '/';
        c.socketRoot = root;
    }
    if (opts.appspace !== undefined) c.appspace = String(opts.appspace);
    if (opts.retry !== undefined) c.retry = Number(opts.retry);
    if (opts['max-retries'] !== undefined) {
        const v = String(opts['max-retries']);
        c.maxRetries = v === 'Infinity' ? Infinity : (v === 'false' ? false : Number(v));
    }
    if (opts['stop-retrying']) c.stopRetrying = true;
    if (raw) c.rawBuffer = true;
    if (opts.delimiter !== undefined) c.delimiter = String(opts.delimiter);
    if (opts.encoding !== undefined) c.encoding = String(opts.encoding);
    if (opts.sync) c.sync = true;
    if (opts['no-unlink']) c.unlink = false;
    if (version === '14') {
        // v14 chmods/ownership-checks socketRoot (and would chmod a shared dir such as /tmp/ to 0700);
        // the 9.x line does nothing of the kind, so keep it off unless asked for.
        c.secureSocketRoot = Boolean(opts['secure-socket-root']);
        if (opts.parser !== undefined) c.parser = String(opts.parser);
        if (opts['identify-peer']) c.identifyPeer = true;
    }
    if (opts.config !== undefined) {
        Object.assign(c, JSON.parse(String(opts.config)));
    }
    return ipc;
}

// ---------------------------------------------------------------------------------------------------------------
// output
// ---------------------------------------------------------------------------------------------------------------

let exiting = false;

function out(obj) {
    let line;
    try {
        line = JSON.stringify(obj);
    } catch (e) {
        line = JSON.stringify({event: 'internal-error', message: `cannot serialise event: ${e && e.message}`});
    }
    process.stdout.write(line + '\n');
}

function errorInfo(err) {
    const info = {};
    if (err instanceof Error) {
        info.message = err.message;
        if (err.name && err.name !== 'Error') info.name = err.name;
        if (err.code !== undefined) info.code = err.code;
        if (err.syscall !== undefined) info.syscall = err.syscall;
        return info;
    }
    if (err && typeof err === 'object') {
        // 9.x js-message parse failure: {message:'Invalid JSON response format', err:SyntaxError, response:'<raw>'}
        info.message = err.message !== undefined ? String(err.message) : safeString(err);
        if (err.code !== undefined) info.code = err.code;
        if (typeof err.response === 'string') info.response = err.response;
        if (err.err instanceof Error) info.cause = err.err.message;
        return info;
    }
    info.message = String(err);
    return info;
}

function safeString(v) {
    try {
        return JSON.stringify(v);
    } catch {
        return String(v);
    }
}

function isSocketLike(s) {
    return Boolean(s) && typeof s === 'object' && typeof s.write === 'function';
}

function finish(code) {
    if (exiting) return;
    exiting = true;
    // Flush what node-ipc already wrote to its sockets (ipc.disconnect() alone would drop it), but do not hang.
    const sockets = [];
    if (clientIpc) {
        clientIpc.config.stopRetrying = true;
        const c = client();
        if (c && isSocketLike(c.socket)) sockets.push(c.socket);
    }
    for (const {socket, udp: isUdp} of socketsByNumber.values()) if (!isUdp) sockets.push(socket);
    for (const s of servers) {
        try {
            if (s.listening) s.server.server.close();
        } catch {
            // exiting anyway
        }
    }
    const ended = Promise.all(sockets.map((socket) => new Promise((resolve) => {
        if (socket.destroyed || socket.writableFinished) {
            resolve();
            return;
        }
        socket.once('close', resolve);
        socket.once('error', resolve);
        try {
            socket.end(resolve);
        } catch {
            resolve();
        }
    })));
    const timeout = new Promise((resolve) => setTimeout(resolve, 3000));
    Promise.race([ended, timeout]).then(() => {
        for (const socket of sockets) socket.destroy();
        // Exit only once everything already written to stdout has been flushed (stdout may be an async pipe).
        const timer = setTimeout(() => process.exit(code), 10000);
        process.stdout.write('', () => {
            clearTimeout(timer);
            process.exit(code);
        });
    });
}

process.on('uncaughtException', (err) => {
    out({event: 'uncaughtException', ...errorInfo(err), stack: String(err && err.stack)});
    finish(70);
});
process.stdout.on('error', () => process.exit(0)); // controller went away

// ---------------------------------------------------------------------------------------------------------------
// server role
// ---------------------------------------------------------------------------------------------------------------

let nextSocketNumber = 1;
const socketNumbers = new Map(); // socket -> number
const socketsByNumber = new Map(); // number -> {socket, server}
const servers = []; // every ipc instance that served (one per start)
let currentServer = null; // {ipc, server}
let ready = false;

const udpNumbers = new Map(); // "address|port" -> number

function isRinfo(s) {
    return Boolean(s) && typeof s === 'object' && typeof s.address === 'string' && typeof s.port === 'number';
}

function numberOf(socket, server) {
    if (udp) {
        if (!isRinfo(socket)) return undefined;
        const key = `${socket.address}|${socket.port}`;
        let u = udpNumbers.get(key);
        if (u === undefined) {
            u = nextSocketNumber++;
            udpNumbers.set(key, u);
            socketsByNumber.set(u, {socket: {address: socket.address, port: socket.port}, server, udp: true});
        }
        return u;
    }
    let n = socketNumbers.get(socket);
    if (n === undefined && isSocketLike(socket)) {
        n = nextSocketNumber++;
        socketNumbers.set(socket, n);
        socketsByNumber.set(n, {socket, server});
    }
    return n;
}

function serverMessage(server, type, data, socket) {
    const n = numberOf(socket, server);
    const ev = {event: 'message', type, data};
    if (n !== undefined) ev.socket = n;
    if (udp && isRinfo(socket)) {
        ev.from = {address: socket.address, port: socket.port, family: socket.family};
    }
    out(ev);
    if (echo && (udp ? isRinfo(socket) : isSocketLike(socket))) {
        server.emit(udp ? {address: socket.address, port: socket.port} : socket, type, data);
    }
}

function startServer(onListening) {
    const ipc = newIpc();
    if (transport === 'unix') {
        if (opts.path !== undefined) ipc.serve(String(opts.path));
        else ipc.serve();
    } else {
        const host = opts.host !== undefined ? String(opts.host) : ipc.config.networkHost;
        const port = opts.port !== undefined ? Number(opts.port) : ipc.config.networkPort;
        if (udp) ipc.serveNet(host, port, transport);
        else ipc.serveNet(host, port);
    }
    const server = ipc.server;
    const entry = {ipc, server, listening: false};
    servers.push(entry);
    currentServer = entry;

    const listening = () => {
        entry.listening = true;
        const ev = {event: 'start'};
        const address = server.server && server.server.address ? server.server.address() : null;
        if (address && typeof address === 'object') {
            ev.host = address.address;
            ev.port = address.port;
        } else {
            ev.path = server.path;
        }
        out(ev);
        onListening(null, ev);
    };
    // UDP: 9.x fires start before the socket is bound (and connect once listening); 14 fires connect, then start.
    // Report start once the datagram socket is bound, from connect.
    server.on('start', () => {
        if (!udp) listening();
    });
    server.on('connect', (socket, maybeSocket) => {
        if (udp && socket === server.server && !entry.listening) {
            listening();
            return;
        }
        if (!isSocketLike(socket) && isSocketLike(maybeSocket)) {
            // a peer sent {"type":"connect",...}; node-ipc dispatches it as the lifecycle event
            serverMessage(server, 'connect', socket, maybeSocket);
            return;
        }
        out({event: 'connect', socket: numberOf(socket, server)});
    });
    server.on('socket.disconnected', (socket, destroyedSocketId) => {
        const ev = {event: 'socket.disconnected'};
        const n = socketNumbers.get(socket);
        if (n !== undefined) ev.socket = n;
        if (destroyedSocketId !== undefined && destroyedSocketId !== false) ev.id = destroyedSocketId;
        out(ev);
    });
    server.on('close', (socket, maybeSocket) => {
        if (!isSocketLike(socket) && isSocketLike(maybeSocket)) {
            serverMessage(server, 'close', socket, maybeSocket); // 9.x: spoofed by the peer
            return;
        }
        // v14 passes the socket; 9.x passes socket.on('close')'s hadError boolean instead of the socket.
        const ev = {event: 'close'};
        const n = socketNumbers.get(socket);
        if (n !== undefined) ev.socket = n;
        out(ev);
    });
    server.on('error', (err, socket) => {
        const ev = {event: 'error', ...errorInfo(err)};
        const n = isSocketLike(socket) ? numberOf(socket, server) : undefined;
        if (n !== undefined) ev.socket = n;
        out(ev);
        if (!entry.listening) onListening(err);
    });
    if (raw) {
        server.on('data', (buf, socket) => {
            const ev = {event: 'data', base64: Buffer.from(buf).toString('base64')};
            const n = numberOf(socket, server);
            if (n !== undefined) ev.socket = n;
            out(ev);
        });
    }
    subscribeCustom(server, (type, data, socket) => serverMessage(server, type, data, socket));
    server.start();
}

// ---------------------------------------------------------------------------------------------------------------
// client role
// ---------------------------------------------------------------------------------------------------------------

let clientIpc = null;

function client() {
    return clientIpc && clientIpc.of[serverId];
}

function connectClient() {
    clientIpc = newIpc();
    const ipc = clientIpc;
    if (transport === 'unix') {
        if (opts.path !== undefined) ipc.connectTo(serverId, String(opts.path));
        else ipc.connectTo(serverId);
    } else {
        const host = opts.host !== undefined ? String(opts.host) : ipc.config.networkHost;
        const port = opts.port !== undefined ? Number(opts.port) : ipc.config.networkPort;
        ipc.connectToNet(serverId, host, port);
    }
    const conn = ipc.of[serverId];
    conn.on('connect', (data) => {
        if (data !== undefined) {
            serverMessageLikeClient('connect', data); // 9.x: spoofed by the peer
            return;
        }
        out({event: 'connect'});
    });
    conn.on('disconnect', () => out({event: 'disconnect'}));
    conn.on('destroy', () => out({event: 'destroy'}));
    conn.on('error', (err) => out({event: 'error', ...errorInfo(err)}));
    if (raw) {
        conn.on('data', (buf) => out({event: 'data', base64: Buffer.from(buf).toString('base64')}));
    }
    subscribeCustom(conn, (type, data) => serverMessageLikeClient(type, data, conn));
    return {path: conn.path, port: conn.port};
}

function serverMessageLikeClient(type, data, conn) {
    out({event: 'message', type, data});
    if (echo && conn) {
        conn.emit(type, data);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// custom event subscriptions (both roles)
// ---------------------------------------------------------------------------------------------------------------

function subscribeCustom(emitter, handler) {
    if (wildcard) {
        // Not emitter.on('*'): node-ipc 9.2.1's event-pubsub 4.3.0 picks its es5 build on node >= 10
        // (it tests process.version[1] > 5) and that build's '*' dispatch throws. Both lines dispatch every
        // received frame through the instance's own publish(type, data[, socket]), so wrap that instead.
        const publish = emitter.publish;
        emitter.publish = function (type, ...args) {
            if (!BUILTIN_EVENTS.has(type) && !eventTypes.includes(type)) {
                handler(type, ...args);
            }
            return publish.call(this, type, ...args);
        };
    }
    for (const type of eventTypes) {
        if (type === '*' || BUILTIN_EVENTS.has(type)) continue;
        emitter.on(type, (...args) => handler(type, ...args));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// stdin commands
// ---------------------------------------------------------------------------------------------------------------

function socketFor(cmd) {
    const entry = socketsByNumber.get(Number(cmd.socket));
    if (!entry) throw new Error(`unknown socket ${cmd.socket}`);
    return entry;
}

function requireRole(r, op) {
    if (role !== r) throw new Error(`op ${op} needs role ${r}`);
}

function emitData(cmd, emitFn) {
    // The "data" key absent means emit(type) with no data argument (undefined).
    if (Object.prototype.hasOwnProperty.call(cmd, 'data')) return emitFn(cmd.type, cmd.data);
    return emitFn(cmd.type);
}

function waitDrain(socket) {
    if (!socket || !socket.writableNeedDrain || socket.destroyed) return null;
    return new Promise((resolve) => {
        const done = () => {
            socket.off('drain', done);
            socket.off('close', done);
            resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
    });
}

async function handle(cmd) {
    const op = cmd.op;
    const ack = {};
    switch (op) {
        case 'emit': {
            if (udp && cmd.address !== undefined) {
                // node-ipc accepts any {address, port} as the UDP target
                if (!currentServer) throw new Error('no server');
                const target = {address: String(cmd.address), port: Number(cmd.port)};
                emitData(cmd, (t, ...d) => currentServer.server.emit(target, t, ...d));
            } else if (role === 'server') {
                const {socket, server} = socketFor(cmd);
                emitData(cmd, (t, ...d) => server.emit(socket, t, ...d));
            } else {
                const c = client();
                if (!c) throw new Error('not connected (disconnected explicitly)');
                emitData(cmd, (t, ...d) => c.emit(t, ...d));
            }
            break;
        }
        case 'emitRaw': {
            const bytes = Buffer.from(String(cmd.base64 || ''), 'base64');
            if (role === 'server') {
                const {socket, server} = socketFor(cmd);
                server.emit(socket, bytes);
            } else {
                const c = client();
                if (!c) throw new Error('not connected (disconnected explicitly)');
                c.emit(bytes);
            }
            break;
        }
        case 'emitMany': {
            const count = Number(cmd.count || 0);
            const filler = 'x'.repeat(Number(cmd.dataSize || 0));
            let emitOne;
            let sock;
            if (role === 'server') {
                const {socket, server} = socketFor(cmd);
                sock = () => socket;
                emitOne = (t, d) => server.emit(socket, t, d);
            } else {
                const c = client();
                if (!c) throw new Error('not connected (disconnected explicitly)');
                sock = () => c.socket;
                emitOne = (t, d) => c.emit(t, d);
            }
            for (let i = 0; i < count; i++) {
                emitOne(cmd.type, {i, s: filler});
                // Respect socket back-pressure so a big burst does not just pile up in node's memory.
                const wait = waitDrain(sock());
                if (wait) await wait;
            }
            ack.count = count;
            break;
        }
        case 'broadcast':
            requireRole('server', op);
            if (!currentServer) throw new Error('no server');
            emitData(cmd, (t, ...d) => currentServer.server.broadcast(t, ...d));
            break;
        case 'stop': {
            requireRole('server', op);
            if (!currentServer) throw new Error('no server');
            const entry = currentServer;
            entry.server.stop();
            entry.listening = false;
            if (cmd.destroySockets) {
                // 9.x stop() only closes the listener; this simulates a server process going away.
                for (const {socket, server} of socketsByNumber.values()) {
                    if (server === entry.server) socket.destroy();
                }
            }
            break;
        }
        case 'start': {
            requireRole('server', op);
            if (currentServer && currentServer.listening) throw new Error('server already listening');
            const ev = await new Promise((resolve, reject) => {
                startServer((err, started) => (err ? reject(err) : resolve(started)));
            });
            Object.assign(ack, {port: ev.port, path: ev.path});
            break;
        }
        case 'disconnect':
            requireRole('client', op);
            if (clientIpc) clientIpc.disconnect(serverId);
            break;
        case 'connect':
            requireRole('client', op);
            if (client()) throw new Error('already has a connection object; disconnect first');
            connectClient();
            break;
        case 'exit':
            out({event: 'ack', op, seq: cmd.seq});
            finish(0);
            return;
        default:
            throw new Error(`unknown op ${op}`);
    }
    out({event: 'ack', op, seq: cmd.seq, ...ack});
}

function startStdin() {
    const rl = readline.createInterface({input: process.stdin, crlfDelay: Infinity, terminal: false});
    // Commands run strictly one after another (emitMany and start are asynchronous).
    let chain = Promise.resolve();
    rl.on('line', (line) => {
        if (!line.trim()) return;
        chain = chain.then(async () => {
            if (exiting) return;
            let cmd;
            try {
                cmd = JSON.parse(line);
            } catch (e) {
                out({event: 'ack', op: null, error: `bad command JSON: ${e.message}`});
                return;
            }
            try {
                await handle(cmd);
            } catch (e) {
                out({event: 'ack', op: cmd.op, seq: cmd.seq, error: String((e && e.message) || e)});
            }
        });
    });
    rl.on('close', () => {
        // Controller closed our stdin (or died): let queued commands finish, then leave.
        chain.then(() => finish(0));
    });
}

// ---------------------------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------------------------

const base = {event: 'ready', version: libraryVersion, role, transport, pid: process.pid};
if (role === 'server') {
    startServer((err, ev) => {
        if (ready) return;
        ready = true;
        if (err) {
            // Could not listen (EADDRINUSE, bad path...): nothing useful left to do.
            out({event: 'fatal', ...errorInfo(err)});
            finish(1);
            return;
        }
        out({...base, ...(ev.port !== undefined ? {host: ev.host, port: ev.port} : {path: ev.path})});
        startStdin();
    });
} else {
    const target = connectClient();
    ready = true;
    out({...base, serverId, ...(target.port ? {host: target.path, port: target.port} : {path: target.path})});
    startStdin();
}
