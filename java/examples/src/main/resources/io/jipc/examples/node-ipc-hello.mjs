// node-ipc's hello-client.js for the NodeIpcPeer example: a real node-ipc client ("hello") that connects to the
// jipc server "world" over a Unix socket, sends "hello", prints the answer and exits 0 (1 when no answer comes).
//
//   node node-ipc-hello.mjs NODE_IPC_DIR 9|14 SOCKET_ROOT TIMEOUT_MS
//
// NODE_IPC_DIR is a directory whose node_modules holds node-ipc 9.2.1 as "node-ipc-9" and 14.0.0 as "node-ipc-14"
// (jipc's ci/node-ipc, filled by ci/node-ipc/install.sh).

import {createRequire} from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

const [dir, major, socketRoot, timeoutMs] = process.argv.slice(2);
const modules = path.join(path.resolve(dir), 'node_modules');
const packageDir = path.join(modules, `node-ipc-${major}`);
const version = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version;
const who = `hello (node-ipc ${version})`;

let ipc;
if (major === '9') {
    // 9.x is CommonJS: its module is a ready instance whose .IPC class makes fresh ones
    const require = createRequire(path.join(modules, 'index.js'));
    ipc = new (require(`node-ipc-${major}`).IPC)();
} else {
    // 14 is an ES module exporting the IPCModule class
    const mod = await import(pathToFileURL(path.join(packageDir, 'node-ipc.js')).href);
    ipc = new mod.IPCModule();
    ipc.config.secureSocketRoot = false; // leave the directory's permissions alone, as 9.x does
}
ipc.config.id = 'hello';
ipc.config.socketRoot = socketRoot.endsWith('/') ? socketRoot : socketRoot + '/';
ipc.config.retry = 500;
ipc.config.silent = true;

const timer = setTimeout(() => {
    console.log(`${who}: no answer from world within ${timeoutMs} ms`);
    process.exit(1);
}, Number(timeoutMs));

ipc.connectTo('world', () => {
    ipc.of.world.on('connect', () => {
        console.log(`${who}: connected to world`);
        ipc.of.world.emit('message', 'hello');
    });
    ipc.of.world.on('message', (data) => {
        console.log(`${who}: got a message from world: ${data}`);
        clearTimeout(timer);
        ipc.disconnect('world');
    });
    ipc.of.world.on('error', (err) => {
        console.log(`${who}: error: ${err && err.message ? err.message : err}`);
    });
});
