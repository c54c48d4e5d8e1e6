#!/usr/bin/env python3
"""Reproducible builds: the jars deployed from one checkout equal, byte for byte, those built in another.

Usage: compare-builds.py REPO_DIR OTHER_CHECKOUT BUILD_DIR...

REPO_DIR is a repository written by `mvn deploy` from one checkout; OTHER_CHECKOUT is a second checkout of the same
commit at another path, built with the same command line. Every deployed jar must have an identical twin among the
second build's target/*.jar (same artifact, same classifier), and no file inside any jar may name a BUILD_DIR (the
absolute paths of both checkouts: a compiler or archiver that records where it ran breaks reproducibility).
"""
import hashlib
import os
import re
import sys
import zipfile


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def main():
    repo, other, build_dirs = sys.argv[1], sys.argv[2], [d.encode() for d in sys.argv[3:]]
    built = {}
    for root, dirs, files in os.walk(other):
        dirs[:] = [d for d in dirs if d not in (".git", "node_modules")]
        if os.path.basename(root) != "target":
            continue
        for f in files:
            if f.endswith(".jar"):
                built[f] = os.path.join(root, f)
    problems, compared = [], 0
    for root, _, files in os.walk(repo):
        for f in files:
            if not f.endswith(".jar"):
                continue
            # jipc-core-0.1.0-20261202.094230-1-sources.jar -> jipc-core-0.1.0-SNAPSHOT-sources.jar
            version_dir = os.path.basename(root)
            local = re.sub(r"-\d{8}\.\d{6}-\d+", "-SNAPSHOT", f) if version_dir.endswith("-SNAPSHOT") else f
            twin = built.get(local)
            if twin is None:
                problems.append(f"{f}: the second build made no {local}")
                continue
            compared += 1
            if sha(os.path.join(root, f)) != sha(twin):
                problems.append(f"{local}: differs between the two builds")
            with zipfile.ZipFile(os.path.join(root, f)) as z:
                for entry in z.namelist():
                    data = z.read(entry)
                    for d in build_dirs:
                        if d in data:
                            problems.append(f"{local}!{entry}: contains the build path {d.decode()}")
    for p in problems:
        print("reproducible: " + p)
    if not problems:
        print(f"reproducible: ok, {compared} jars identical in two checkouts at different paths")
    return 1 if problems or compared == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
