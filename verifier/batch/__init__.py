"""Investigator batch mode: resumable pre-screening of an evidence folder, on one machine or a
Dask cluster (``verifier batch``), and the chain-of-custody check (``verifier verify``).

Modules, one job each: :mod:`.walk` (find, recognise by content, hash), :mod:`.worker` (one
analysis in a worker that loaded the models once), :mod:`.local` (the embedded process pool),
:mod:`.dask_engine` (Dask distributed), :mod:`.outputs` (journal and pages), :mod:`.run` (the
orchestrator and resume), :mod:`.verify`, :mod:`.cli` (the two subcommands).
"""
