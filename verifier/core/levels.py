"""The risk levels, defined once: fusion decides one, the report carries it, the advice and the
renderings read it."""
from __future__ import annotations

LOW = "low"  # risk under the fusion's low_below: few signs (never a clearance)
MEDIUM = "medium"  # between the two thresholds
HIGH = "high"  # risk at or above the fusion's high_from
INCONCLUSIVE = "inconclusive"  # too little usable evidence, or the file could not be analysed

LEVELS = (LOW, MEDIUM, HIGH, INCONCLUSIVE)
