#!/usr/bin/env python3
"""A jipc proto-mode peer in Python, written from proto/README.md (the protocol spec) alone.

It runs one endpoint, a client or a server, over a Unix domain socket or TCP, speaking jipc's proto mode:
the 6-byte preamble from the client, then varint-delimited ``jipc.v1.Envelope`` messages both ways. Tests
script it through lines of JSON: one command per stdin line, one event per stdout line (see README.md here).

The classes come from Debian's protoc at test time, not from this repository:

    protoc -I proto -I ci/peers/proto -I /usr/include --python_out=OUT \\
        jipc/v1/envelope.proto jipc/peertest/v1/peertest.proto
    PYTHONPATH=OUT /usr/bin/python3 ci/peers/python/peer.py --role server --transport unix --path /tmp/x.sock
"""

import argparse
import asyncio
import base64
import json
import os
import sys

from google.protobuf import json_format, struct_pb2
from google.protobuf.message import DecodeError

from jipc.v1 import envelope_pb2
from jipc.peertest.v1 import peertest_pb2

MAGIC = bytes([0x8F]) + b"jipc"  # spec 3.1: magic lead byte, then "jipc"
VERSION = 1
RESERVED_TYPES = frozenset(
    ["connect", "disconnect", "socket.disconnected", "destroy", "error", "data", "start", "close"])
MAX_VARINT_BYTES = 5  # spec 3.2: the length fits in 5 bytes
# Message types this peer can unpack from `typed`, by full name (what follows the last "/" of the type_url).
KNOWN_TYPES = {cls.DESCRIPTOR.full_name: cls for cls in (peertest_pb2.Order, peertest_pb2.Address)}


class ProtocolError(Exception):
    """A violation of the spec by the other side: reported as an `error` event, then the connection closes."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class Closed(Exception):
    """The connection closed before a reply came."""


def out(event):
    """Writes one event line on stdout."""
    sys.stdout.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()


# --- framing (spec 3.2) ---------------------------------------------------------------------------------------

def varint(n):
    """The base-128 varint of n, least significant group first."""
    buf = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            buf.append(low | 0x80)
        else:
            buf.append(low)
            return bytes(buf)


def delimited(envelope):
    """One frame: the Envelope's size as a varint, then its bytes."""
    body = envelope.SerializeToString()
    return varint(len(body)) + body


async def read_envelope(reader, max_frame_bytes):
    """Reads one delimited Envelope; None at a clean end of stream (between frames)."""
    size, shift = 0, 0
    for i in range(MAX_VARINT_BYTES + 1):
        if i == MAX_VARINT_BYTES:
            raise ProtocolError("EMALFORMED", "frame length varint longer than 5 bytes")
        byte = await reader.read(1)
        if not byte:
            if i == 0:
                return None
            raise ProtocolError("ETRUNCATED", "connection closed inside a frame length")
        size |= (byte[0] & 0x7F) << shift
        shift += 7
        if not byte[0] & 0x80:
            break
    if size > max_frame_bytes:
        raise ProtocolError("EFRAMETOOLARGE", f"frame of {size} bytes exceeds maxFrameBytes {max_frame_bytes}")
    try:
        body = await reader.readexactly(size)
    except asyncio.IncompleteReadError as e:
        raise ProtocolError("ETRUNCATED", f"connection closed inside a frame ({len(e.partial)} of {size} bytes)")
    return parse_envelope(body)


def parse_datagram(data, max_frame_bytes):
    """A UDP datagram (spec 4): the preamble, then exactly one delimited Envelope filling the rest."""
    if data[:len(MAGIC)] != MAGIC or len(data) <= len(MAGIC):
        raise ProtocolError("EMALFORMED", "datagram does not start with the jipc preamble")
    if data[len(MAGIC)] != VERSION:
        raise ProtocolError("EVERSION", f"unsupported protocol version {data[len(MAGIC)]}")
    pos, size, shift = len(MAGIC) + 1, 0, 0
    for i in range(MAX_VARINT_BYTES + 1):
        if i == MAX_VARINT_BYTES or pos >= len(data):
            raise ProtocolError("EMALFORMED", "bad frame length varint")
        byte = data[pos]
        pos += 1
        size |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    if size > max_frame_bytes:
        raise ProtocolError("EFRAMETOOLARGE", f"frame of {size} bytes exceeds maxFrameBytes {max_frame_bytes}")
    if pos + size != len(data):
        raise ProtocolError("EMALFORMED", f"envelope of {size} bytes does not fill the datagram's {len(data) - pos}")
    return parse_envelope(data[pos:])


def parse_envelope(body):
    envelope = envelope_pb2.Envelope()
    try:
        envelope.ParseFromString(body)  # also rejects invalid UTF-8 in string fields (proto3)
    except DecodeError as e:
        raise ProtocolError("EMALFORMED", f"envelope does not parse: {e}")
    if not envelope.type:
        raise ProtocolError("EMALFORMED", "empty type")
    if envelope.type in RESERVED_TYPES:
        raise ProtocolError("ERESERVED", f"reserved event name {envelope.type!r}")
    return envelope


# --- payloads: Envelope <-> the JSON of the line protocol -------------------------------------------------------

def plain_json(value):
    """Python data from a Value, with integral numbers as ints (JSON.stringify writes 1.0 as 1)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    if isinstance(value, list):
        return [plain_json(v) for v in value]
    if isinstance(value, dict):
        return {k: plain_json(v) for k, v in value.items()}
    return value


def payload_of(envelope):
    """The Envelope's payload as line-protocol keys: data, typed or opaque (none: no key)."""
    kind = envelope.WhichOneof("payload")
    if kind == "data":
        return {"data": plain_json(json_format.MessageToDict(envelope.data))}
    if kind == "typed":
        name = envelope.typed.type_url.rsplit("/", 1)[-1]
        cls = KNOWN_TYPES.get(name)
        if cls is None:
            return {"typed": {"typeUrl": envelope.typed.type_url,
                              "base64": base64.b64encode(envelope.typed.value).decode()}}
        message = cls()
        envelope.typed.Unpack(message)
        return {"typed": {"type": name, "json": json_format.MessageToDict(message)}}
    if kind == "opaque":
        return {"opaque": base64.b64encode(envelope.opaque).decode()}
    return {}


def set_payload(envelope, command):
    """Fills the Envelope's payload from a command's data / typed / opaque key (none of them: no data)."""
    if "data" in command:
        envelope.data.CopyFrom(json_format.ParseDict(command["data"], struct_pb2.Value()))
    elif "typed" in command:
        typed = command["typed"]
        if "typeUrl" in typed:  # a type this peer need not know: the Any as given, as it is printed
            envelope.typed.type_url = typed["typeUrl"]
            envelope.typed.value = base64.b64decode(typed["base64"])
        else:
            envelope.typed.Pack(json_format.ParseDict(typed["json"], KNOWN_TYPES[typed["type"]]()))
    elif "opaque" in command:
        envelope.opaque = base64.b64decode(command["opaque"])


def copy_payload(source, target):
    kind = source.WhichOneof("payload")
    if kind == "opaque":
        target.opaque = source.opaque
    elif kind:
        getattr(target, kind).CopyFrom(getattr(source, kind))


# --- one connection ------------------------------------------------------------------------------------------------

class Connection:
    """One proto-mode connection: sends Envelopes, matches replies to its requests, dispatches the rest."""

    def __init__(self, peer, reader, writer, number):
        self.peer = peer
        self.reader = reader
        self.writer = writer
        self.number = number  # server side: the socket number in events; client side: None
        self.waiting = {}  # request id -> Future of the reply Envelope
        self.next_id = 1

    def tagged(self, event):
        if self.number is not None:
            event["socket"] = self.number
        return event

    def send(self, envelope):
        self.writer.write(delimited(envelope))

    async def request(self, envelope, timeout):
        envelope.id = self.next_id
        self.next_id += 1
        reply = asyncio.get_running_loop().create_future()
        self.waiting[envelope.id] = reply
        self.send(envelope)
        try:
            return await asyncio.wait_for(reply, timeout)
        finally:
            self.waiting.pop(envelope.id, None)

    async def serve(self):
        """Reads Envelopes until the stream ends or breaks the protocol; then closes and fails waiting requests."""
        try:
            while True:
                envelope = await read_envelope(self.reader, self.peer.max_frame_bytes)
                if envelope is None:
                    break
                self.dispatch(envelope)
        except ProtocolError as e:
            out(self.tagged({"event": "error", "code": e.code, "message": str(e)}))
        except ConnectionError as e:
            out(self.tagged({"event": "error", "code": "ECONNRESET", "message": str(e)}))
        finally:
            for reply in self.waiting.values():
                if not reply.done():
                    reply.set_exception(Closed("connection closed before the reply"))
            self.writer.close()
            self.peer.closed(self)

    def dispatch(self, envelope):
        if envelope.re:  # a reply (spec 6): only to the request waiting for it; unknown ones are dropped
            reply = self.waiting.get(envelope.re)
            if reply is not None and not reply.done():
                reply.set_result(envelope)
            return
        event = "request" if envelope.id else "message"
        line = {"event": event, "type": envelope.type, **payload_of(envelope)}
        if envelope.id:
            line["id"] = envelope.id
        out(self.tagged(line))
        if self.peer.echo:  # send it back: a reply to a request, the same event otherwise
            answer = envelope_pb2.Envelope(type=envelope.type, re=envelope.id)
            copy_payload(envelope, answer)
            self.send(answer)

    def close(self):
        self.writer.close()


# --- UDP (spec 4): no connections, one Envelope per datagram, no request/response ----------------------------------

class UdpEndpoint(asyncio.DatagramProtocol):
    """A bound UDP socket: reports each datagram, echoes it to its sender if asked."""

    def __init__(self, peer):
        self.peer = peer
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        sender = {"from": {"address": addr[0], "port": addr[1]}}
        try:
            envelope = parse_datagram(data, self.peer.max_frame_bytes)
        except ProtocolError as e:
            out({"event": "error", "code": e.code, "message": str(e), **sender})
            return
        out({"event": "message", "type": envelope.type, **payload_of(envelope), **sender})
        if self.peer.echo:
            answer = envelope_pb2.Envelope(type=envelope.type)
            copy_payload(envelope, answer)
            self.send(answer, addr)

    def send(self, envelope, addr):
        self.transport.sendto(MAGIC + bytes([VERSION]) + delimited(envelope), addr)


# --- the peer: stdin commands, server or client role -------------------------------------------------------------

class Peer:
    def __init__(self, args):
        self.args = args
        self.echo = args.echo
        self.max_frame_bytes = args.max_frame_bytes
        self.connections = {}  # number (server) or 0 (client) -> Connection
        self.next_number = 1
        self.server = None
        self.udp = None
        self.done = asyncio.Event()

    # server role

    async def start_udp(self):
        """UDP has no client or server: both roles bind (a server at --host/--port); a client sends to --port."""
        bind = (self.args.host, self.args.port if self.args.role == "server" else 0)
        _, self.udp = await asyncio.get_running_loop().create_datagram_endpoint(
            lambda: UdpEndpoint(self), local_addr=bind)
        host, port = self.udp.transport.get_extra_info("sockname")[:2]
        out({"event": "ready", "role": self.args.role, "transport": "udp4", "pid": os.getpid(), "host": host,
             "port": port})

    def udp_target(self, command):
        port = command.get("port", self.args.port if self.args.role == "client" else None)
        if not port:
            raise ValueError("udp: say where to send (\"port\", optional \"address\")")
        return command.get("address", self.args.host), port

    async def start_server(self):
        if self.args.transport == "unix":
            self.server = await asyncio.start_unix_server(self.accept, path=self.args.path)
            where = {"path": self.args.path}
        else:
            self.server = await asyncio.start_server(self.accept, host=self.args.host, port=self.args.port)
            host, port = self.server.sockets[0].getsockname()[:2]
            where = {"host": host, "port": port}
        out({"event": "ready", "role": "server", "transport": self.args.transport, "pid": os.getpid(), **where})

    async def accept(self, reader, writer):
        number = self.next_number
        self.next_number += 1
        connection = Connection(self, reader, writer, number)
        try:
            preamble = await reader.readexactly(len(MAGIC) + 1)
        except asyncio.IncompleteReadError as e:
            if e.partial:
                out({"event": "error", "code": "ETRUNCATED", "socket": number,
                     "message": f"connection closed inside the preamble ({len(e.partial)} bytes)"})
            writer.close()
            return
        if preamble[:len(MAGIC)] != MAGIC:
            out({"event": "error", "code": "EMALFORMED", "socket": number, "message": "expected the jipc preamble"})
            writer.close()
            return
        if preamble[-1] != VERSION:
            out({"event": "error", "code": "EVERSION", "socket": number,
                 "message": f"unsupported protocol version {preamble[-1]}"})
            writer.close()
            return
        self.connections[number] = connection
        out({"event": "connect", "socket": number})
        await connection.serve()

    # client role

    async def connect(self):
        if self.args.transport == "unix":
            reader, writer = await asyncio.open_unix_connection(self.args.path)
        else:
            reader, writer = await asyncio.open_connection(self.args.host, self.args.port)
        if self.args.preamble_delay_ms:  # a late client, against the spec (3.3), to test a server's refusal
            await asyncio.sleep(self.args.preamble_delay_ms / 1000)
        writer.write(MAGIC + bytes([self.args.preamble_version]))
        connection = Connection(self, reader, writer, None)
        self.connections[0] = connection
        where = {"path": self.args.path} if self.args.transport == "unix" else {
            "host": self.args.host, "port": self.args.port}
        out({"event": "ready", "role": "client", "transport": self.args.transport, "pid": os.getpid(), **where})
        asyncio.get_running_loop().create_task(connection.serve())

    def closed(self, connection):
        if connection.number is None:
            self.connections.pop(0, None)
            out({"event": "disconnect"})
        elif self.connections.pop(connection.number, None) is not None:
            out({"event": "socket.disconnected", "socket": connection.number})

    # commands

    def target(self, command):
        number = command.get("socket", 0) if self.args.role == "server" else 0
        connection = self.connections.get(number)
        if connection is None:
            raise ValueError(f"no connection {number}" if self.args.role == "server" else "not connected")
        return connection

    async def handle(self, command):
        op = command.get("op")
        ack = {"event": "ack", "op": op, "seq": command.get("seq")}
        if self.udp is not None and op in ("emit", "sendRaw"):
            if op == "emit":
                envelope = envelope_pb2.Envelope(type=command["type"])
                set_payload(envelope, command)
                self.udp.send(envelope, self.udp_target(command))
            else:
                self.udp.transport.sendto(base64.b64decode(command["base64"]), self.udp_target(command))
        elif op == "emit":
            envelope = envelope_pb2.Envelope(type=command["type"])
            set_payload(envelope, command)
            self.target(command).send(envelope)
        elif op == "broadcast":
            envelope = envelope_pb2.Envelope(type=command["type"])
            set_payload(envelope, command)
            frame = delimited(envelope)  # encoded once, written to every connection
            for connection in self.connections.values():
                connection.writer.write(frame)
            ack["count"] = len(self.connections)
        elif op == "request":
            envelope = envelope_pb2.Envelope(type=command["type"])
            set_payload(envelope, command)
            try:
                reply = await self.target(command).request(envelope, command.get("timeoutMs", 10000) / 1000)
            except asyncio.TimeoutError:
                ack["error"] = "ETIMEDOUT"
            except Closed as e:
                ack["error"] = f"ECLOSED: {e}"
            else:
                if reply.HasField("error"):
                    ack["reply"] = {"error": {"code": reply.error.code, "message": reply.error.message}}
                else:
                    ack["reply"] = {"type": reply.type, **payload_of(reply)}
        elif op == "reply":
            envelope = envelope_pb2.Envelope(type=command["type"], re=command["re"])
            if "error" in command:
                envelope.error.code = command["error"]["code"]
                envelope.error.message = command["error"].get("message", "")
            else:
                set_payload(envelope, command)
            self.target(command).send(envelope)
        elif op == "sendRaw":
            self.target(command).writer.write(base64.b64decode(command["base64"]))
        elif op == "close":
            self.target(command).close()
        elif op == "exit":
            out(ack)
            self.done.set()
            return
        else:
            raise ValueError(f"unknown op {op!r}")
        out(ack)

    async def run_command(self, line):
        try:
            command = json.loads(line)
        except ValueError as e:
            out({"event": "ack", "op": None, "error": f"bad command JSON: {e}"})
            return
        try:
            await self.handle(command)
        except Exception as e:  # noqa: BLE001 - every failure goes back to the test as the command's ack
            out({"event": "ack", "op": command.get("op"), "seq": command.get("seq"),
                 "error": f"{type(e).__name__}: {e}"})

    async def read_commands(self):
        loop = asyncio.get_running_loop()
        # a command line can carry a whole frame as base64 (opaque): asyncio's default 64 KiB line limit is too small
        stdin = asyncio.StreamReader(limit=4 * self.max_frame_bytes + (1 << 20))
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
        tasks = set()
        while not self.done.is_set():
            line = await stdin.readline()
            if not line:
                break
            if line.strip():
                # Each command in its own task, started in order: an emit writes before its first await, so
                # emits keep their order while a request waits for its reply.
                task = loop.create_task(self.run_command(line))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                await asyncio.sleep(0)
        self.done.set()

    async def run(self):
        if self.args.transport == "udp4":
            await self.start_udp()
        elif self.args.role == "server":
            await self.start_server()
        else:
            await self.connect()
        # Until stdin ends or an exit command came, whichever is first.
        commands = asyncio.get_running_loop().create_task(self.read_commands())
        await self.done.wait()
        commands.cancel()
        if self.udp is not None:
            self.udp.transport.close()
        if self.server is not None:
            self.server.close()
            if self.args.transport == "unix":
                try:
                    os.unlink(self.args.path)  # asyncio before Python 3.13 leaves the socket file behind
                except FileNotFoundError:
                    pass
        for connection in list(self.connections.values()):
            connection.writer.close()
            try:
                await connection.writer.wait_closed()
            except ConnectionError:
                pass


def main():
    parser = argparse.ArgumentParser(description="jipc proto-mode peer (Python)")
    parser.add_argument("--role", choices=["server", "client"], required=True)
    parser.add_argument("--transport", choices=["unix", "tcp", "udp4"], required=True)
    parser.add_argument("--path", help="Unix socket path")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="TCP port (server: 0 picks a free one)")
    parser.add_argument("--echo", action="store_true", help="send each event back, answer each request with its data")
    parser.add_argument("--max-frame-bytes", type=int, default=16 * 1024 * 1024)
    parser.add_argument("--preamble-version", type=int, default=VERSION, help="client: version byte to send")
    parser.add_argument("--preamble-delay-ms", type=int, default=0,
                        help="client: wait this long after connecting before the preamble (a late client)")
    args = parser.parse_args()
    if args.transport == "unix" and not args.path:
        parser.error("--transport unix needs --path")
    try:
        asyncio.run(Peer(args).run())
    except OSError as e:
        out({"event": "fatal", "message": str(e)})
        sys.exit(1)


if __name__ == "__main__":
    main()
