#!/usr/bin/env python3
"""A minimal SMTP server on 127.0.0.1 that keeps what it is sent.

    smtp-capture.py DIR

Listens on 127.0.0.1 on a free port, writes the port to DIR/port, and
stores message N as DIR/NNNN.eml with its envelope in DIR/NNNN.env
("from: ADDR" then "to: ADDR" lines).  No authentication, no TLS, no
relaying: nothing leaves the machine.  Stops by itself after --idle
seconds without a connection (default 60) or --max messages (200), or on
SIGTERM.
"""
import argparse
import os
import socket


def serve(conn, store):
    f = conn.makefile("rb")

    def send(line):
        conn.sendall(line.encode() + b"\r\n")

    send("220 capture ESMTP")
    sender, rcpts = None, []
    while True:
        raw = f.readline()
        if not raw:
            return
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        verb = line[:4].upper()
        if verb == "EHLO":
            send("250-capture")
            send("250-8BITMIME")
            send("250 SMTPUTF8")
        elif verb == "HELO":
            send("250 capture")
        elif line.upper().startswith("MAIL FROM:"):
            sender, rcpts = line[10:].strip().split(" ")[0], []
            send("250 OK")
        elif line.upper().startswith("RCPT TO:"):
            rcpts.append(line[8:].strip().split(" ")[0])
            send("250 OK")
        elif verb == "DATA":
            send("354 end with <CRLF>.<CRLF>")
            data = []
            while True:
                raw = f.readline()
                if not raw or raw.rstrip(b"\r\n") == b".":
                    break
                if raw.startswith(b".."):
                    raw = raw[1:]
                data.append(raw.replace(b"\r\n", b"\n"))
            store(sender, rcpts, b"".join(data))
            sender, rcpts = None, []
            send("250 OK queued")
        elif verb == "RSET":
            sender, rcpts = None, []
            send("250 OK")
        elif verb == "NOOP":
            send("250 OK")
        elif verb == "QUIT":
            send("221 bye")
            return
        else:
            send("502 not implemented")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--idle", type=float, default=60)
    ap.add_argument("--max", type=int, default=200)
    args = ap.parse_args()
    count = [0]

    def store(sender, rcpts, data):
        count[0] += 1
        base = os.path.join(args.dir, "%04d" % count[0])
        with open(base + ".eml", "wb") as out:
            out.write(data)
        with open(base + ".env", "w") as out:
            out.write("from: %s\n" % sender.strip("<>"))
            for r in rcpts:
                out.write("to: %s\n" % r.strip("<>"))

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    srv.settimeout(args.idle)
    with open(os.path.join(args.dir, "port.tmp"), "w") as out:
        out.write("%d\n" % srv.getsockname()[1])
    os.rename(os.path.join(args.dir, "port.tmp"), os.path.join(args.dir, "port"))
    while count[0] < args.max:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            break
        with conn:
            conn.settimeout(args.idle)
            try:
                serve(conn, store)
            except (socket.timeout, ConnectionError):
                pass
    srv.close()


if __name__ == "__main__":
    main()
