"""Committed data files (parameters, model provenance entries, small bundled weights); located by
:mod:`verifier.core.assets`."""
