"""Fine-tuning of the voice detector (AASIST-L), evaluated leave-one-generator-family-out (issue 14, item 3).

    python -m training.voice prepare --out /work/main/.devcarry/voiceft     # pool.npz + pool.json (+ data_list.tsv)
    python -m training.voice logo --pool DIR --out OUT --device cuda        # all folds + the final model (device)
    python -m training.voice report --results OUT/voiceft/logo.json         # markdown table into README.md
    python -m training.voice backend-cache --pool DIR --out CACHE           # CPU: frozen encoder's nodes per window
    python -m training.voice backend-logo --pool DIR --cache CACHE/backend_cache.npz --out RUN  # CPU: back-end LOGO

Outside the runtime package: nothing here is imported by ``verifier``. The device-side path
(``logo``, ``train``, ``rawboost``, ``pool.load``, ``families``) imports numpy, torch,
scikit-learn and ``verifier.analysis.voice.aasist`` / ``verifier.analysis.voice.calibration`` only.
"""
