#!/usr/bin/env python3
"""A minimal WebSocket server for the plaintext-token test: completes the upgrade, sends
OpenClaw's connect.challenge (facts §5), and appends every frame the client sends to a log
file, unmasked. Standard library only. Usage: ws_recorder.py HOST PORT LOGFILE"""
import base64, hashlib, json, socket, struct, sys, threading

host, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

def serve(conn):
    try:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        key = [l.split(b":", 1)[1].strip() for l in data.split(b"\r\n") if l.lower().startswith(b"sec-websocket-key:")]
        if not key:
            conn.sendall(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
            return
        accept = base64.b64encode(hashlib.sha1(key[0] + GUID.encode()).digest())
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        payload = json.dumps({"type": "event", "event": "connect.challenge", "payload": {"nonce": "n-1", "ts": 1}}).encode()
        conn.sendall(bytes([0x81, len(payload)]) + payload)
        conn.settimeout(3)
        while True:
            head = conn.recv(2)
            if len(head) < 2:
                return
            length = head[1] & 0x7F
            if length == 126:
                length = struct.unpack(">H", conn.recv(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", conn.recv(8))[0]
            mask = conn.recv(4)
            body = b""
            while len(body) < length:
                body += conn.recv(length - len(body))
            text = bytes(b ^ mask[i % 4] for i, b in enumerate(body))
            with open(log, "ab") as f:
                f.write(bytes([head[0] & 0x0F]) + b" " + text + b"\n")
            if head[0] & 0x0F == 8:
                return
    except OSError:
        return
    finally:
        conn.close()

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, port))
s.listen(8)
open(log, "ab").close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
