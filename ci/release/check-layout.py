#!/usr/bin/env python3
"""Checks a Maven repository written by `mvn deploy -Prelease` the way a repository manager would.

Usage: check-layout.py REPO_DIR ROOT_POM

For every io.jipc artifact in REPO_DIR: a POM; for a jar artifact, the main jar, -sources.jar and -javadoc.jar; an
.md5 and .sha1 beside every file, matching it; every jar holding META-INF/LICENSE. Every POM, read with its parents
from the same repository, has name, description, url, a licence (name and url), a developer and scm (url and
connection), as Maven Central's rules demand. jipc-bom names every published jar artifact and every native platform
jar found in the repository, at the same version. The build's modules that deploy nothing are named in the root POM
(maven.deploy.skip); everything else must be present. Prints one line per problem; exits 1 if there is any.
"""
import hashlib
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

NS = {"m": "http://maven.apache.org/POM/4.0.0"}
GROUP = "io.jipc"
problems = []


def text(el, path):
    found = el.find(path, NS)
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def newest_files(version_dir, artifact):
    """For a SNAPSHOT, the files of the newest timestamped build; for a release, the files as they are."""
    names = [n for n in os.listdir(version_dir) if n.startswith(artifact + "-") and not n.endswith((".md5", ".sha1"))
             and not n.startswith("maven-metadata")]
    stamps = sorted({m.group(1) for n in names for m in [re.search(r"-(\d{8}\.\d{6}-\d+)", n)] if m})
    if stamps:
        names = [n for n in names if stamps[-1] in n]
    return names


def check_checksums(path):
    data = open(path, "rb").read()
    for ext, algo in ((".md5", hashlib.md5), (".sha1", hashlib.sha1)):
        if not os.path.exists(path + ext):
            problems.append(f"{path}: no {ext} checksum")
        elif open(path + ext).read().split()[0].strip() != algo(data).hexdigest():
            problems.append(f"{path}{ext}: does not match the file")


def pom_chain(repo, pom_path):
    """The POM and its parents (read from the repository), child first."""
    chain = []
    while pom_path:
        root = ET.parse(pom_path).getroot()
        chain.append(root)
        parent = root.find("m:parent", NS)
        pom_path = None
        if parent is not None:
            g, a, v = (text(parent, "m:" + k) for k in ("groupId", "artifactId", "version"))
            d = os.path.join(repo, *g.split("."), a, v)
            if not os.path.isdir(d):
                problems.append(f"parent {g}:{a}:{v} of {chain[0].findtext('m:artifactId', None, NS)} not deployed")
                break
            poms = [n for n in newest_files(d, a) if n.endswith(".pom")]
            pom_path = os.path.join(d, poms[0]) if poms else None
    return chain


def check_pom(repo, artifact, pom_path):
    chain = pom_chain(repo, pom_path)
    own = chain[0]
    for key in ("name", "description"):
        if not text(own, "m:" + key):
            problems.append(f"{artifact}: POM has no <{key}> of its own")
    def inherited(path):
        return next((v for v in (text(p, path) for p in chain) if v), None)
    for path in ("m:url", "m:licenses/m:license/m:name", "m:licenses/m:license/m:url",
                 "m:developers/m:developer/m:name", "m:scm/m:url", "m:scm/m:connection"):
        if not inherited(path):
            problems.append(f"{artifact}: POM (with its parents) lacks {path.replace('m:', '')}")
    url = inherited("m:url")
    if url and url.rstrip("/").endswith(artifact):
        problems.append(f"{artifact}: <url> has the artifact id appended by inheritance: {url}")
    return own


def main():
    repo, root_pom = sys.argv[1], sys.argv[2]
    base = os.path.join(repo, *GROUP.split("."))
    if not os.path.isdir(base):
        print(f"no {GROUP} artifacts under {repo}")
        return 1
    published_jars = {}  # artifact -> set of classifiers ('' for the main jar)
    version_seen = set()
    bom = None
    for artifact in sorted(os.listdir(base)):
        adir = os.path.join(base, artifact)
        versions = [v for v in os.listdir(adir) if os.path.isdir(os.path.join(adir, v))]
        for version in versions:
            version_seen.add(version)
            vdir = os.path.join(adir, version)
            files = newest_files(vdir, artifact)
            poms = [f for f in files if f.endswith(".pom")]
            if not poms:
                problems.append(f"{artifact}: no POM")
                continue
            pom = check_pom(repo, artifact, os.path.join(vdir, poms[0]))
            packaging = text(pom, "m:packaging") or "jar"
            for f in files:
                check_checksums(os.path.join(vdir, f))
            if artifact == "jipc-bom":
                bom = pom
            if packaging != "jar":
                continue
            jars = [f for f in files if f.endswith(".jar")]
            classifiers = set()
            for j in jars:
                stem = j[: -len(".jar")]
                m = re.match(re.escape(artifact) + r"-.*?(\d{8}\.\d{6}-\d+|" + re.escape(version) + r")(?:-(.+))?$",
                             stem)
                classifiers.add(m.group(2) or "" if m else "?")
                if j.endswith("-tests.jar"):
                    # jipc-core's test classes, attached so that jipc-native's build runs them on native: built
                    # for jipc's own build, not for users (the BOM does not list it)
                    continue
                with zipfile.ZipFile(os.path.join(vdir, j)) as z:
                    if "META-INF/LICENSE" not in z.namelist() and not j.endswith("-javadoc.jar"):
                        problems.append(f"{j}: no META-INF/LICENSE")
            for needed in ("", "sources", "javadoc"):
                if needed not in classifiers:
                    problems.append(f"{artifact}: no {needed or 'main'} jar")
            published_jars[artifact] = {c for c in classifiers if c not in ("sources", "javadoc", "tests")}
    if len(version_seen) != 1:
        problems.append(f"more than one version deployed: {sorted(version_seen)}")
    if bom is None:
        problems.append("jipc-bom not deployed")
    else:
        listed = {}
        for dep in bom.findall("m:dependencyManagement/m:dependencies/m:dependency", NS):
            if text(dep, "m:groupId") != GROUP:
                problems.append(f"jipc-bom pins {text(dep, 'm:groupId')}:{text(dep, 'm:artifactId')}, not jipc's")
            version = text(dep, "m:version")
            if version not in ("${project.version}",) + tuple(version_seen):
                problems.append(f"jipc-bom: {text(dep, 'm:artifactId')} at {version}")
            listed.setdefault(text(dep, "m:artifactId"), set()).add(text(dep, "m:classifier") or "")
        for artifact, classifiers in published_jars.items():
            missing = classifiers - listed.get(artifact, set())
            if missing:
                problems.append(f"jipc-bom lacks {artifact} {sorted(missing)}")
        for artifact, classifiers in listed.items():
            extra = classifiers - published_jars.get(artifact, set())
            # a platform jar this machine cannot build (no cross compiler) is listed but not deployed here
            extra = {c for c in extra if not re.match(r"(linux|osx)-", c)}
            if extra:
                problems.append(f"jipc-bom lists {artifact} {sorted(extra)}, which is not published")
    for p in problems:
        print("release layout: " + p)
    if not problems:
        print(f"release layout: ok ({len(published_jars)} jar artifacts, "
              + ", ".join(f"{a} [{' '.join(sorted(c)) or 'main'}]" for a, c in sorted(published_jars.items())) + ")")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
