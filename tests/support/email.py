"""An email backend for the worker integration tests: one file per message, and a trace of every run.

With a file named ``slow`` in ``TEST_EMAIL_DIR``, a send first announces its
process id and then waits, so a test can kill the worker in the middle of it.
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class TraceFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["TEST_EMAIL_DIR"])
        (directory / f"run-{os.getpid()}-{uuid.uuid4().hex}").write_text("")
        if (directory / "slow").exists():
            (directory / "started").write_text(str(os.getpid()))
            time.sleep(60)
        for message in email_messages:
            (directory / f"mail-{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
