"""A local IMAP4rev1 server, just enough for imaplib: CAPABILITY, LOGIN, SELECT, SEARCH / UID SEARCH,
FETCH / UID FETCH (RFC822), STORE / UID STORE (+FLAGS), NOOP, LOGOUT. One mailbox, in memory."""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Stored:
    uid: int
    raw: bytes
    seen: bool = False


@dataclass
class Mailbox:
    username: str = "mairie"
    password: str = "s3cret"
    folder: str = "INBOX"
    messages: list[Stored] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)

    def add(self, raw: bytes, *, seen: bool = False) -> Stored:
        stored = Stored(uid=len(self.messages) + 1, raw=raw, seen=seen)
        self.messages.append(stored)
        return stored


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        box = self.server.mailbox
        authenticated = selected = False
        self.send("* OK IMAP4rev1 test double ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            text = line.decode().rstrip("\r\n")
            box.commands.append(text)
            tag, _, rest = text.partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            uid_mode = command == "UID"
            if uid_mode:
                command, _, args = args.partition(" ")
                command = command.upper()
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
                self.send(f"{tag} OK CAPABILITY completed")
            elif command == "NOOP":
                self.send(f"{tag} OK NOOP completed")
            elif command == "LOGIN":
                user, password = (part.strip('"') for part in args.split(" ", 1))
                if (user, password) == (box.username, box.password):
                    authenticated = True
                    self.send(f"{tag} OK LOGIN completed")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
            elif command == "LOGOUT":
                self.send("* BYE logging out")
                self.send(f"{tag} OK LOGOUT completed")
                return
            elif not authenticated:
                self.send(f"{tag} BAD not authenticated")
            elif command in {"SELECT", "EXAMINE"}:
                if args.strip('"') != box.folder:
                    self.send(f"{tag} NO no such mailbox")
                    continue
                selected = True
                self.send(f"* {len(box.messages)} EXISTS")
                self.send("* 0 RECENT")
                self.send("* FLAGS (\\Seen)")
                self.send(f"{tag} OK [READ-WRITE] SELECT completed")
            elif not selected:
                self.send(f"{tag} BAD no mailbox selected")
            elif command == "SEARCH":
                wanted = [m for m in box.messages if "UNSEEN" not in args.upper() or not m.seen]
                self.send("* SEARCH " + " ".join(str(m.uid) for m in wanted))
                self.send(f"{tag} OK SEARCH completed")
            elif command == "FETCH":
                number, _, _ = args.partition(" ")
                stored = next((m for m in box.messages if m.uid == int(number)), None)
                if stored is not None:
                    head = f"* {stored.uid} FETCH (UID {stored.uid} RFC822 {{{len(stored.raw)}}}\r\n"
                    self.wfile.write(head.encode() + stored.raw + b")\r\n")
                self.send(f"{tag} OK FETCH completed")
            elif command == "STORE":
                number, _, flags = args.partition(" ")
                stored = next((m for m in box.messages if m.uid == int(number)), None)
                if stored is not None and re.search(r"\+FLAGS.*\\Seen", flags, re.IGNORECASE):
                    stored.seen = True
                    self.send(f"* {stored.uid} FETCH (UID {stored.uid} FLAGS (\\Seen))")
                self.send(f"{tag} OK STORE completed")
            else:
                self.send(f"{tag} BAD unknown command {command}")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mailbox: Mailbox) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mailbox = mailbox


class ImapDouble:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.server = _Server(self.mailbox)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ImapDouble:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
