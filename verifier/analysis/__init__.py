"""Media to evidence: decoding, face track, speech activity, the signals, the voice and face-picture detectors, identity embeddings and the pipeline."""
