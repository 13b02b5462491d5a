"""The web app, from a checkout: ``.venv/bin/python app.py [--port N] [--share-lan --password SECRET]
[--quiz-folder DIR]``. The app lives in the package (:mod:`verifier.ui`); installed, it is
``verifier app`` with the same options."""
from verifier.ui import main

if __name__ == "__main__":
    raise SystemExit(main())
