"""The console chat loop: reads messages from standard input, prints Dojo's replies.

Works interactively and with piped input (one message per line; a line opening a ``` fence
runs to the closing fence). Numbered choices answer the latest buttons or poll.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TextIO

from adapters.console.render import render_doc, render_reply
from core import codec
from core.messages import Action, Attachment, ChatKind, ChatRef, Incoming, Platform, Reply, UserRef
from core.parsing import parse_command
from core.router import Router

FENCE = "```"


def _opens_fence(line: str) -> bool:
    return line.count(FENCE) % 2 == 1


def read_messages(stream: TextIO) -> Iterator[str]:
    """Yield whole messages: lines, with fenced blocks kept together.

    Every line is sent as soon as it is read, piped or typed: `/review python` is answered at
    once (it asks for the code), and a fenced block on the lines after it is the next message,
    which the waiting review takes as its code. No line waits to see what follows, so nobody
    at a terminal, and no program driving the pipe, is left without an answer.
    """
    for raw in stream:
        line = raw.rstrip("\n")
        if _opens_fence(line):
            block = [line]
            for more in stream:
                block.append(more.rstrip("\n"))
                if FENCE in more:
                    break
            yield "\n".join(block)
            continue
        yield line


class ConsoleChat:
    def __init__(self, router: Router, user: str, output: TextIO, files_dir: Path) -> None:
        self.router = router
        self.user = UserRef(Platform.CONSOLE, user, user)
        self.chat = ChatRef(Platform.CONSOLE, user, ChatKind.PRIVATE)
        self.output = output
        self.files_dir = files_dir
        self.choices: list[str] = []  # callback data for the numbered choices on screen

    def to_incoming(self, text: str) -> Incoming:
        stripped = text.strip()
        if stripped.isdigit() and self.choices:
            index = int(stripped) - 1
            if 0 <= index < len(self.choices):
                try:
                    decoded = codec.decode(self.choices[index])
                except codec.CodecError:
                    decoded = Action("expired")
                return Incoming(
                    Platform.CONSOLE, self.user, self.chat, text=stripped, action=decoded
                )
        parsed = parse_command(text)
        if parsed is None:
            return Incoming(Platform.CONSOLE, self.user, self.chat, text=text)
        return Incoming(
            Platform.CONSOLE,
            self.user,
            self.chat,
            text=text,
            command=parsed.name,
            args=parsed.args,
            body=parsed.body,
        )

    async def send(self, text: str) -> None:
        replies = await self.router.handle(self.to_incoming(text))
        self.show(replies)

    def show(self, replies: list[Reply]) -> None:
        for reply in replies:
            self._remember_choices(reply)
            self.output.write(render_reply(reply) + "\n")
            if reply.image is not None:
                path = self._save(Attachment(reply.image.filename, reply.image.data))
                caption = render_doc(reply.image.caption_doc)
                if "\n" in caption:  # a rank card's caption is the whole profile: above it
                    self.output.write(f"{caption}\n🖼️ Image saved to {path}\n")
                else:
                    caption = f" ({caption})" if caption else ""
                    self.output.write(f"🖼️ Image saved to {path}{caption}\n")
            if reply.document is not None:
                self.output.write(f"📄 File saved to {self._save(reply.document)}\n")
            if reply.forgets_learner:
                shutil.rmtree(self.learner_files, ignore_errors=True)
        self.output.flush()

    @property
    def learner_files(self) -> Path:
        """This learner's saved files, in a folder of their own so /forget can remove it."""
        safe = "".join(c for c in self.user.id if c.isalnum() or c in "._-") or "learner"
        return self.files_dir / safe

    def _remember_choices(self, reply: Reply) -> None:
        if reply.poll is not None:
            prefix = reply.poll.answer_data
            self.choices = [f"{prefix}:{index}" for index in range(len(reply.poll.options))]
        elif reply.buttons:
            self.choices = [button.data for row in reply.buttons for button in row]

    def _save(self, attachment: Attachment) -> Path:
        self.learner_files.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        safe = "".join(c for c in attachment.filename if c.isalnum() or c in "._-") or "file"
        path = self.learner_files / f"{stamp}-{safe}"
        path.write_bytes(attachment.data)
        return path.resolve()


async def run_console(router: Router, user: str, files_dir: Path, offline_note: str) -> None:
    interactive = sys.stdin.isatty()
    chat = ConsoleChat(router, user, sys.stdout, files_dir)
    sys.stdout.write(
        f"Dojo console, chatting as {user}. {offline_note} Send /help; Ctrl-D quits.\n"
    )
    sys.stdout.flush()
    messages = read_messages(sys.stdin)
    while True:
        if interactive:
            sys.stdout.write("> ")
            sys.stdout.flush()
        message = await asyncio.to_thread(next, messages, None)
        if message is None:
            break
        if not message.strip():
            continue
        await chat.send(message)
