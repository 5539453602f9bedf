"""Chunks prepared by threads, handed to one consumer in file order.

The chunked importers (``payers.imports.preparing``, ``monitoring.importer.preparing``)
check a file's chunks on other connections, one thread each, while the posting connection
inserts the previous chunk. ``Handoff`` is the queue between them: a preparer ``put``s the
chunk it numbered (waiting while it is ``ahead`` chunks or more in front of the consumer),
says ``end(total)`` once the file is read to its end or ``fail(exc)`` on an error; the
consumer ``get``s the chunks in order (the preparer's error raised there) and ``stop``s the
preparers when it is done or has failed.
"""

import threading


class Handoff:
    """Chunks prepared by one or more threads, handed to the consumer in file order, at
    most ``ahead`` waiting in front of it."""

    def __init__(self, ahead):
        self.ahead = ahead
        self.cond = threading.Condition()
        self.ready = {}
        self.next = 0
        self.total = None  # number of chunks, once the file is read to its end
        self.error = None
        self.stopped = False

    def put(self, index, prepared):
        """Hand chunk ``index`` over; False when the consumer has stopped (then stop too)."""
        with self.cond:
            while index - self.next >= self.ahead and not self.stopped:
                self.cond.wait(0.2)
            if self.stopped:
                return False
            self.ready[index] = prepared
            self.cond.notify_all()
            return True

    def end(self, total):
        """The file holds ``total`` chunks (the first preparer to reach its end says so)."""
        with self.cond:
            self.total = total if self.total is None else self.total
            self.cond.notify_all()

    def fail(self, exc):
        """A preparer failed: ``get`` raises ``exc`` (the first one)."""
        with self.cond:
            self.error = self.error or exc
            self.cond.notify_all()

    def stop(self):
        with self.cond:
            self.stopped = True
            self.cond.notify_all()

    def get(self):
        """The next chunk in file order; None after the last; raises a preparer's error."""
        with self.cond:
            while True:
                if self.error is not None:
                    raise self.error
                if self.next in self.ready:
                    self.next += 1
                    self.cond.notify_all()
                    return self.ready.pop(self.next - 1)
                if self.total is not None and self.next >= self.total:
                    return None
                self.cond.wait(0.2)
