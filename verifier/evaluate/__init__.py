"""Evaluation of the verifier on labelled folders: ``python -m verifier.evaluate audio DATA_DIR``."""
