#!/usr/bin/env node
// Checks that node_modules/ here is exactly what package-lock.json pins: every locked package at its locked
// version, nothing the lock does not list, no install scripts. Exit 0 when it matches, 1 with reasons on stderr.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
const problems = [];
const locked = new Set();

for (const [key, meta] of Object.entries(lock.packages ?? {})) {
    if (key === '') continue;
    locked.add(key);
    if (meta.hasInstallScript) problems.push(`${key} has an install script`);
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, key, 'package.json'), 'utf8'));
        if (pkg.version !== meta.version) problems.push(`${key} is ${pkg.version}, the lock says ${meta.version}`);
    } catch {
        problems.push(`missing ${key}`);
    }
}

function walk(modules) {
    let entries;
    try {
        entries = fs.readdirSync(modules, {withFileTypes: true});
    } catch {
        return;
    }
    for (const entry of entries) {
        if (entry.name.startsWith('.') || !entry.isDirectory()) continue;
        const names = entry.name.startsWith('@')
            ? fs.readdirSync(path.join(modules, entry.name)).map((n) => path.join(entry.name, n))
            : [entry.name];
        for (const name of names) {
            const full = path.join(modules, name);
            const key = path.relative(dir, full).split(path.sep).join('/');
            if (!locked.has(key)) problems.push(`${key} is installed but not in the lock`);
            walk(path.join(full, 'node_modules'));
        }
    }
}
walk(path.join(dir, 'node_modules'));

if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`verify-tree: ${p}\n`);
    process.exit(1);
}
