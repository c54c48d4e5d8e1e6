#!/usr/bin/env python3
"""Checks the protobuf peers against the spec and against each other, without any Java.

1. Every hex example in proto/README.md section 8 parses as delimited jipc.v1.Envelopes (after the preamble
   where it has one) with classes Debian's protoc made from proto/jipc/v1/envelope.proto.
2. The Python peer and the Node peer talk to each other, each as server and as client, over a Unix socket and
   TCP: every JSON kind, a typed payload, opaque bytes, no data, request/response both ways (also concurrent and
   failed replies), broadcast to a Python and a Node client at once.

Run it with Debian's interpreter after ci/peers/install.sh:  /usr/bin/python3 ci/peers/crosscheck.py
Prints one line per check and ends with "N passed, N failed"; exits 1 if anything failed.
"""

import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TIMEOUT = 10

JSON_KINDS = [None, True, False, 0, -1.5, 1e300, "", "héllo \u2603 \U0001F600", [], {}, [1, "two", None, [3]],
              {"a": {"b": [True, {"c": None}]}, "n": 2 ** 53 - 1}]
ORDER = {"id": "1099511627776", "customer": "Zoë", "quantity": 3, "price": 9.5, "paid": True,
         "shipTo": {"street": "1 Main St", "city": "Springfield"}, "tags": ["gift", "fragile"],
         "shipping": "SHIPPING_EXPRESS", "attributes": {"colour": "red"}, "token": "AP8Q"}

results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + detail}", flush=True)


# --- 1. the spec's hex examples -------------------------------------------------------------------------------------

def readme_examples():
    """Byte strings from proto/README.md section 8: code blocks of hex lines, and long inline hex."""
    text = open(os.path.join(ROOT, "proto", "README.md"), encoding="utf-8").read()
    section = text[text.index("## 8."):]
    examples = []
    for block in re.findall(r"```\n(.*?)```", section, re.S):
        if '"' in block:
            continue  # annotated with quoted text: the same bytes are given again inline
        hexes = [m.group(1) for line in block.splitlines()
                 if (m := re.match(r"((?:[0-9a-f]{2} )*[0-9a-f]{2})(?:\s{2,}.*)?$", line.strip()))]
        if hexes:
            examples.append(bytes.fromhex(" ".join(hexes)))
    for inline in re.findall(r"`([0-9a-f ]{40,})`", section):
        examples.append(bytes.fromhex(inline))
    return examples


def check_examples():
    from jipc.v1 import envelope_pb2
    preamble = bytes.fromhex("8f6a69706301")
    examples = readme_examples()
    check("README section 8 has hex examples", len(examples) >= 8, f"found {len(examples)}")
    for raw in examples:
        data = raw[len(preamble):] if raw.startswith(preamble) else raw
        try:
            pos, envelopes = 0, []
            while pos < len(data):
                size, shift = 0, 0
                while True:
                    byte = data[pos]
                    pos += 1
                    size |= (byte & 0x7F) << shift
                    shift += 7
                    if not byte & 0x80:
                        break
                envelope = envelope_pb2.Envelope()
                envelope.ParseFromString(data[pos:pos + size])
                if pos + size > len(data):
                    raise ValueError(f"length {size} runs past the example")
                pos += size
                envelopes.append(envelope)
            check(f"README example {raw[:12].hex()}... parses: {envelopes[0].type}", bool(envelopes[0].type))
        except Exception as e:  # noqa: BLE001 - reported as a failed check
            check(f"README example {raw[:12].hex()}... parses", False, repr(e))


# --- 2. the peers against each other --------------------------------------------------------------------------------

class Peer:
    """One peer process, scripted through stdin/stdout JSON lines."""

    def __init__(self, lang, args, pythonpath):
        if lang == "python":
            cmd = ["/usr/bin/python3", os.path.join(HERE, "python", "peer.py")]
            env = dict(os.environ, PYTHONPATH=pythonpath)
        else:
            cmd = ["node", os.path.join(HERE, "node", "peer.mjs"),
                   "--proto-path", os.path.join(ROOT, "proto"), "--proto-path", os.path.join(HERE, "proto")]
            env = dict(os.environ)
        self.name = f"{lang} {args[1]}"
        self.process = subprocess.Popen(cmd + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                        text=True, encoding="utf-8")
        self.events = queue.Queue()
        self.unmatched = []
        self.seq = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.ready = self.expect(lambda e: e["event"] == "ready")

    def _read(self):
        for line in self.process.stdout:
            self.events.put(json.loads(line))
        self.events.put(None)

    def expect(self, match):
        for i, event in enumerate(self.unmatched):
            if match(event):
                return self.unmatched.pop(i)
        while True:
            try:
                event = self.events.get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError(f"{self.name}: timed out; unmatched events: {self.unmatched[-5:]}")
            if event is None:
                raise AssertionError(f"{self.name}: exited; unmatched events: {self.unmatched[-5:]}")
            if match(event):
                return event
            self.unmatched.append(event)

    def message(self, event="message"):
        return self.expect(lambda e: e["event"] == event)

    def call(self, **command):
        self.seq += 1
        command["seq"] = self.seq
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self.expect(lambda e: e["event"] == "ack" and e.get("seq") == command["seq"])

    def send(self, **command):
        self.seq += 1
        command["seq"] = self.seq
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return command["seq"]

    def close(self):
        try:
            self.process.stdin.close()
            self.process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


def address_args(transport, tmp, ready=None):
    if transport == "unix":
        return ["--transport", "unix", "--path", os.path.join(tmp, "peer.sock")]
    return ["--transport", "tcp", "--port", str(ready["port"]) if ready else "0"]


def payload_of(event):
    return {k: event[k] for k in ("data", "typed", "opaque") if k in event}


def payloads():
    for value in JSON_KINDS:
        yield f"data {json.dumps(value)[:30]}", {"data": value}
    yield "typed Order", {"typed": {"type": "jipc.peertest.v1.Order", "json": ORDER}}
    yield "opaque bytes", {"opaque": "AAEC/w=="}
    yield "no data", {}


def pair(server_lang, client_lang, transport, pythonpath):
    tag = f"{client_lang} client -> {server_lang} server, {transport}"
    with tempfile.TemporaryDirectory(prefix="jipc-peers-") as tmp:
        server = Peer(server_lang, ["--role", "server", *address_args(transport, tmp), "--echo"], pythonpath)
        clients = []
        try:
            client = Peer(client_lang, ["--role", "client", *address_args(transport, tmp, server.ready)], pythonpath)
            clients.append(client)
            number = server.expect(lambda e: e["event"] == "connect")["socket"]
            for name, payload in payloads():
                client.call(op="emit", type="echo", **payload)
                echoed = client.message()
                seen = server.message()
                check(f"{tag}: event {name}", echoed["type"] == "echo" and payload_of(echoed) == payload
                      and payload_of(seen) == payload, f"{seen} / {echoed}")
                ack = client.call(op="request", type="ask", **payload)
                reply = ack.get("reply", {})
                check(f"{tag}: request {name}", reply.get("type") == "ask" and payload_of(reply) == payload,
                      str(ack))
            # concurrent requests: replies are matched by id, not by order
            seqs = [client.send(op="request", type="many", data=i) for i in range(20)]
            replies = {s: client.expect(lambda e, s=s: e["event"] == "ack" and e.get("seq") == s) for s in seqs}
            check(f"{tag}: 20 concurrent requests each get their own reply",
                  all(replies[s].get("reply", {}).get("data") == i for i, s in enumerate(seqs)), str(replies))

            # the server asks the client, which answers by hand (the client does not echo)
            seq = server.send(op="request", type="q", socket=number, data={"x": [1, 2]})
            request = client.message("request")
            client.call(op="reply", type="q", re=request["id"], data={"sum": 3})
            ack = server.expect(lambda e: e["event"] == "ack" and e.get("seq") == seq)
            check(f"{tag}: server-to-client request", request["data"] == {"x": [1, 2]}
                  and ack.get("reply", {}).get("data") == {"sum": 3}, f"{request} / {ack}")
            seq = server.send(op="request", type="q", socket=number, data=None)
            request = client.message("request")
            client.call(op="reply", type="q", re=request["id"], error={"code": "EPEER", "message": "no"})
            ack = server.expect(lambda e: e["event"] == "ack" and e.get("seq") == seq)
            check(f"{tag}: failed reply carries the error", ack.get("reply", {}).get("error")
                  == {"code": "EPEER", "message": "no"}, str(ack))

            # broadcast to a Python and a Node client at once
            other = Peer("node" if client_lang == "python" else "python",
                         ["--role", "client", *address_args(transport, tmp, server.ready)], pythonpath)
            clients.append(other)
            server.expect(lambda e: e["event"] == "connect")
            ack = server.call(op="broadcast", type="news", data={"headline": "all"})
            got = [c.message() for c in clients]
            check(f"{tag}: broadcast reaches both clients", ack.get("count") == 2
                  and all(g["type"] == "news" and g["data"] == {"headline": "all"} for g in got), str(got))
        except AssertionError as e:
            check(f"{tag}: scenario", False, str(e))
        finally:
            for c in clients:
                c.close()
            server.close()


def main():
    with tempfile.TemporaryDirectory(prefix="jipc-protogen-") as generated:
        subprocess.run(["bash", os.path.join(HERE, "protogen.sh"), generated], check=True)
        sys.path.insert(0, generated)
        check_examples()
        for transport in ("unix", "tcp"):
            for server_lang, client_lang in (("node", "python"), ("python", "node")):
                pair(server_lang, client_lang, transport, generated)
    print(f"{results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
