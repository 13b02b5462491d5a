"""``python -m verifier.evaluate {audio,video} DATA_DIR ...``: dispatch to one evaluation."""
from __future__ import annotations

import sys

SUBCOMMANDS = {"audio": "verifier.evaluate.audio", "video": "verifier.evaluate.video",
               "invariance": "verifier.evaluate.invariance",
               "tamper": "verifier.evaluate.tamper",
               "second_opinion": "verifier.evaluate.second_opinion"}


def main(argv: list[str] | None = None) -> int:
    import importlib

    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in SUBCOMMANDS:
        print(f"usage: python -m verifier.evaluate {{{','.join(SUBCOMMANDS)}}} DATA_DIR [options]", file=sys.stderr)
        return 2
    return importlib.import_module(SUBCOMMANDS[argv[0]]).main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
