"""Work ahead: the items of an iterable made in a thread of their own while the reader uses the ones before.

For pipelines whose steps release the GIL (polars, a database driver sending data): each step in a
thread of its own keeps both cores of a small machine busy.
"""

import queue
import threading
from collections.abc import Iterable, Iterator

_DONE = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


class Ahead:
    """Iterate over `items` as a thread makes them, at most `depth` items ahead of the reader.

    An exception raised while making an item is raised in the reader's thread, at that item. Use it as a
    context manager (or call close()) so the thread stops when the reader stops early.
    """

    def __init__(self, items: Iterable, depth: int = 2):
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._finished = False
        self._thread = threading.Thread(target=self._make, args=(items,), daemon=True)
        self._thread.start()

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _make(self, items: Iterable) -> None:
        try:
            for item in items:
                if not self._put(item):
                    return
        except BaseException as error:  # handed to the reader, which raises it in its own thread
            self._put(_Failed(error))
            return
        self._put(_DONE)

    def __iter__(self) -> Iterator:
        while not self._finished:
            item = self._queue.get()
            if item is _DONE:
                self._finished = True
                return
            if isinstance(item, _Failed):
                self._finished = True
                raise item.error
            yield item

    def close(self) -> None:
        """Stop making items and wait for the thread."""
        self._stop.set()
        self._thread.join()

    def __enter__(self) -> "Ahead":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
