#!/usr/bin/env node
// Checks that node_modules/ here is exactly what package-lock.json describes: every locked package present
// at its locked version, no package that the lock does not list, and none of the known node-ipc protestware.
// Exit 0 when it matches; exit 1 with the reasons on stderr otherwise. Used by install.sh.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const problems = [];

// The only node-ipc releases this directory may ever hold (9.2.2, 10.1.1-10.1.3 and 11.x are protestware).
const ALLOWED_NODE_IPC = new Set(['9.2.1', '14.0.0']);
const FORBIDDEN_NAMES = new Set(['peacenotwar', 'ssl-geospec', 'geolocation']);

const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
const locked = new Map();
for (const [key, meta] of Object.entries(lock.packages || {})) {
    if (key === '') continue;
    locked.set(key, meta);
    const name = meta.name || key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (FORBIDDEN_NAMES.has(name)) problems.push(`lock lists forbidden package ${name}`);
    if (name === 'node-ipc' && !ALLOWED_NODE_IPC.has(meta.version)) {
        problems.push(`lock lists node-ipc@${meta.version} (only 9.2.1 and 14.0.0 are allowed)`);
    }
    if (meta.hasInstallScript) problems.push(`${key} has an install script`);
}

for (const [key, meta] of locked) {
    const file = path.join(dir, key, 'package.json');
    let pkg;
    try {
        pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
        problems.push(`missing ${key}`);
        continue;
    }
    if (pkg.version !== meta.version) problems.push(`${key} is ${pkg.version}, lock says ${meta.version}`);
    if (meta.name && pkg.name !== meta.name) problems.push(`${key} is ${pkg.name}, lock says ${meta.name}`);
}

// Anything installed that the lock does not list (walks nested node_modules too).
function walk(modulesDir) {
    let entries;
    try {
        entries = fs.readdirSync(modulesDir, {withFileTypes: true});
    } catch {
        return;
    }
    for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
        const scoped = entry.name.startsWith('@');
        const children = scoped
            ? fs.readdirSync(path.join(modulesDir, entry.name)).map((n) => path.join(entry.name, n))
            : [entry.name];
        for (const child of children) {
            const full = path.join(modulesDir, child);
            const key = path.relative(dir, full).split(path.sep).join('/');
            if (FORBIDDEN_NAMES.has(path.basename(child))) problems.push(`forbidden package installed: ${key}`);
            if (!locked.has(key)) problems.push(`not in the lock: ${key}`);
            walk(path.join(full, 'node_modules'));
        }
    }
}
walk(path.join(dir, 'node_modules'));

if (problems.length) {
    for (const p of problems) process.stderr.write(`verify-tree: ${p}\n`);
    process.exit(1);
}
process.stdout.write(`verify-tree: node_modules matches package-lock.json (${locked.size} packages)\n`);
