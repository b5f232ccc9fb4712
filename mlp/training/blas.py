"""NumPy's BLAS (OpenBLAS) on one thread, for training from the server.

A recipe's limits are stated in seconds of one core (mlp.training.recipe), and a server's workers
each get a core. OpenBLAS starts a thread per core by default; on a busy machine those threads
spin waiting for each other, and a wide network trained ~10x slower (measured on the shared
2-core machine: 784-128-10, 16,000 images a second on two threads, 157,000 on one).

The count is process-wide, and changing it while another thread is inside a BLAS call is not
safe: call ``use_one_thread()`` once, before serving (create_app does, when it can train); later
calls find it done and change nothing.
"""
from __future__ import annotations

import ctypes
import threading

import numpy as np  # noqa: F401  (loads the BLAS library whose thread count is set here)

# The names OpenBLAS's setters have in NumPy's wheels (scipy-openblas, 64-bit ints) and in a plain OpenBLAS.
SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads64_",
           "openblas_set_num_threads")
GETTERS = tuple(name.replace("_set_", "_get_") for name in SETTERS)

_lock = threading.Lock()
_done = False


def _libraries():
    """The OpenBLAS libraries loaded in this process (as the dynamic linker maps them)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as fh:
            paths = {line.split()[-1] for line in fh if "openblas" in line.lower() and ".so" in line}
    except OSError:  # not Linux: nothing to find this way
        return []
    found = []
    for path in sorted(paths):
        try:
            found.append(ctypes.CDLL(path))
        except OSError:
            pass
    return found


def threads() -> int | None:
    """Threads OpenBLAS uses now, or None when there is no OpenBLAS to ask."""
    for lib in _libraries():
        for name in GETTERS:
            if hasattr(lib, name):
                return int(getattr(lib, name)())
    return None


def use_one_thread() -> bool:
    """Set OpenBLAS to one thread for the rest of the process (once); False when there is no OpenBLAS."""
    global _done
    with _lock:
        if _done:
            return True
        for lib in _libraries():
            for name in SETTERS:
                if hasattr(lib, name):
                    getattr(lib, name)(1)
                    _done = True
                    return True
        return False
