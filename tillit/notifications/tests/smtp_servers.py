"""Misbehaving SMTP servers on 127.0.0.1 for the fault tests."""

import contextlib
import socket
import threading


class FakeSMTPServer:
    """A tiny SMTP server on a free port of 127.0.0.1.

    mode "silent": accepts the connection and never says a word.
    mode "hang_after_data": talks until the message is sent, then never
    confirms it (the mail may or may not have been delivered).
    mode "ok": a working server; `messages` counts what it accepted.
    The mode may be changed while it runs; it applies to new connections.
    """

    def __init__(self, mode="ok"):
        self.mode = mode
        self.messages = []
        self.connections = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._open = []
        self._stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self._stopped.is_set():
            try:
                client, _address = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(client)
            threading.Thread(
                target=self._talk, args=(client, self.mode), daemon=True
            ).start()

    def _talk(self, client, mode):
        if mode == "silent":
            self._stopped.wait()
            return
        reader = client.makefile("rb")
        try:
            client.sendall(b"220 test ESMTP\r\n")
            while True:
                line = reader.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    client.sendall(b"250 test\r\n")
                elif verb == b"DATA":
                    client.sendall(b"354 go on\r\n")
                    data = []
                    for body_line in iter(reader.readline, b""):
                        if body_line == b".\r\n":
                            break
                        data.append(body_line)
                    self.messages.append(b"".join(data))
                    if mode == "hang_after_data":
                        self._stopped.wait()
                        return
                    client.sendall(b"250 queued\r\n")
                elif verb == b"QUIT":
                    client.sendall(b"221 bye\r\n")
                    return
                else:
                    client.sendall(b"250 ok\r\n")
        except OSError:
            return

    def stop(self):
        self._stopped.set()
        self._sock.close()
        for client in self._open:
            with contextlib.suppress(OSError):
                client.close()
