import os
import sys

from .cli.main import main

if __name__ == "__main__":
    rc = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip the interpreter's teardown of torch, numba and mediapipe (~0.5 s on the 2-core
    # machine); the CLI holds no files open for writing and has nothing left to clean up.
    os._exit(rc)
