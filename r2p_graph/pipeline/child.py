"""Pipeline work in a process of its own: a plain ``python -c`` subprocess that reads its
task as JSON on stdin and writes its answer on stdout.

Not ``multiprocessing``: a child never re-imports the caller's ``__main__`` (a script, a
server), so the caller needs no ``if __name__ == "__main__"`` guard. Used for the shares
of a parallel validation and for the build a server serves: validation changes pySHACL's
classes and rdflib's query parser while it runs (:mod:`.pyshacl_adapter`,
:mod:`.validate`), which a server's threads must never see.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from ..config import Settings


@dataclass
class Child:
    """A running child process and what it is doing (for its errors)."""

    process: subprocess.Popen[bytes]
    label: str

    def finish(self) -> bytes:
        """The child's stdout once it has exited; ``RuntimeError`` with its own last words
        when it failed."""
        # Both pipes at once: a child that fills one while the other is read would block.
        answer, errors = self.process.communicate()
        problem = errors.decode("utf-8", "replace").strip()
        if self.process.returncode != 0:
            raise RuntimeError(f"{self.label} failed: {problem[-2000:] or self.process.returncode}")
        return answer

    def stop(self) -> None:
        """Kill the child if it still runs (the work it does is no longer wanted)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def start(entry: str, settings: Settings, task: dict[str, Any], *, label: str) -> Child:
    """Start ``entry`` (``"module:function"``, a function taking no argument and returning
    an exit status) with ``settings`` and ``task`` on its stdin. ``label`` names the work
    in errors ("a validation process")."""
    module, _, function = entry.partition(":")
    code = f"import sys; from {module} import {function}; sys.exit({function}())"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None
    process.stdin.write(json.dumps({"environ": settings.to_env(), **task}).encode("utf-8"))
    process.stdin.close()
    process.stdin = None  # given in full: communicate() has nothing more to send
    return Child(process, label)


def read_task() -> tuple[Settings, dict[str, Any]]:
    """In the child: the settings and the task :func:`start` sent."""
    task = json.loads(sys.stdin.buffer.read())
    return Settings.from_env(task.pop("environ")), task
