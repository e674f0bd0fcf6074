"""A WebSocket server for `make bench-ws` that is never the bottleneck.

It answers the upgrade by hand (no extensions, so frames go uncompressed), then writes
N pre-built text frames of small JSON messages with `sendall` from one buffer, then a
close frame 1000. Usage: server.py PORT_FILE COUNT; it serves connections until killed
and writes its port to PORT_FILE.
"""
import base64
import hashlib
import json
import socket
import sys
import threading

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def frame(payload: bytes, opcode: int = 0x1) -> bytes:
    assert len(payload) < 126
    return bytes([0x80 | opcode, len(payload)]) + payload


def build(count: int) -> bytes:
    parts = []
    for n in range(count):
        message = json.dumps({"e": "trade", "s": "BTCUSDT", "p": f"{60000 + n % 1000}.{n % 100:02d}", "q": n % 7 + 1, "t": 1764500000000 + n}, separators=(",", ":"))
        parts.append(frame(message.encode()))
    return b"".join(parts)


def serve(connection: socket.socket, frames: bytes) -> None:
    with connection:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = connection.recv(4096)
            if not chunk:
                return
            request += chunk
        key = b""
        for line in request.split(b"\r\n"):
            if line.lower().startswith(b"sec-websocket-key:"):
                key = line.split(b":", 1)[1].strip()
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        connection.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        try:
            connection.sendall(frames)
            connection.sendall(frame(b"\x03\xe8", 0x8))
        except OSError:  # a client that stopped early (--max-messages) closed its side
            return
        try:
            while connection.recv(65536):  # until the client closes
                pass
        except OSError:
            pass


def main() -> None:
    port_file, count = sys.argv[1], int(sys.argv[2])
    frames = build(count)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    with open(port_file, "w") as handle:
        handle.write(str(listener.getsockname()[1]))
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection, frames), daemon=True).start()


if __name__ == "__main__":
    main()
