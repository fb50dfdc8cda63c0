"""tests/lib/rsp.py -- speak the GDB remote serial protocol to a stub, and run
gdb-multiarch in batch mode against it.  Used by tests/31-gdbstub.t and
tests/32-gdb-linux.t; it knows nothing about TAP.

    port = free_port()
    r = Rsp(port)                       # connects, retrying while dbt starts
    r.packet("g")                       # -> the reply payload (str)
    r.send_raw(b"\\x03"); r.reply()      # Ctrl-C, then the stop reply
    out = gdb(["file prog.elf", "target remote :%d" % port, "info registers"])
"""

import re
import socket
import subprocess
import time


def free_port():
    """A TCP port nobody listens on right now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def checksum(payload):
    return sum(payload) & 0xff


def frame(payload):
    """$payload#checksum, with '#', '$' and '}' escaped as the protocol says."""
    if isinstance(payload, str):
        payload = payload.encode("latin-1")
    escaped = b""
    for b in payload:
        escaped += b"}" + bytes([b ^ 0x20]) if b in b"#$}" else bytes([b])
    return b"$" + escaped + b"#%02x" % checksum(escaped)


class RspError(Exception):
    pass


class Rsp:
    """One connection; replies are acknowledged as they come."""

    def __init__(self, port, timeout=10.0):
        end = time.time() + timeout
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
                break
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def _byte(self):
        if not self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RspError("connection closed")
            self.buf = chunk
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def ack(self):
        """The '+' or '-' that answers a packet we sent."""
        while True:
            b = self._byte()
            if b in (b"+", b"-"):
                return b

    def reply(self):
        """The next packet's payload (unescaped), acknowledged."""
        while self._byte() != b"$":
            pass
        data = b""
        while True:
            b = self._byte()
            if b == b"#":
                break
            if b == b"}":
                b = bytes([self._byte()[0] ^ 0x20])
            data += b
        self._byte()
        self._byte()
        self.sock.sendall(b"+")
        return data.decode("latin-1")

    def packet(self, payload):
        """Send one packet; return its reply, or raise if it is refused.
        Console output packets (O + hex) that come first are kept in
        self.output."""
        self.sock.sendall(frame(payload))
        if self.ack() != b"+":
            raise RspError("packet refused: %r" % payload)
        self.output = ""
        while True:
            reply = self.reply()
            if not re.fullmatch(r"O(?:[0-9a-f]{2})+", reply):
                return reply
            self.output += bytes.fromhex(reply[1:]).decode("utf-8", "replace")


def gdb(commands, timeout=120):
    """Run gdb-multiarch -batch with one -ex per command; returns (status,
    output text)."""
    argv = ["gdb-multiarch", "-batch", "-nx"]
    for c in commands:
        argv += ["-ex", c]
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return -1, out + "\n(gdb timed out)"
