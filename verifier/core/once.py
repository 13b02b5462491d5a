"""The one way to load something once per process (a model, a parameter file, a message table)."""
from __future__ import annotations

import functools
import importlib
import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class Once(Generic[T]):
    """``fn()`` called at most once per process, under a lock, so that two threads asking at the
    same moment load one copy; later calls return the same object. A call that raises is not
    remembered (the next call tries again, e.g. after ``verifier models install``).
    :meth:`cache_clear` forgets the value (tests, a re-installed model)."""

    def __init__(self, fn: Callable[[], T]):
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._lock = threading.Lock()
        self._done = False
        self._value: T | None = None

    def __call__(self) -> T:
        if not self._done:
            with self._lock:
                if not self._done:
                    self._value = self._fn()
                    self._done = True
        return self._value

    def cache_clear(self) -> None:
        with self._lock:
            self._done, self._value = False, None

    def __reduce__(self):  # pickled by name, like the function it wraps
        return _lookup, (self.__module__, self.__qualname__)


def _lookup(module: str, qualname: str):
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def load_once(fn: Callable[[], T]) -> Once[T]:
    """Decorator: see :class:`Once`."""
    return Once(fn)
