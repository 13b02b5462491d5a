"""The contracts every layer shares: results, reports, levels, errors, messages, parameters and constants.

Imports nothing else of the project and nothing heavy (no numpy at import time)."""
