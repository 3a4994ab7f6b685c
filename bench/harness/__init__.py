"""The head-to-head benchmark of bench/MODELS.md: exmc against PyMC's own
NUTS and nutpie, scored as MODELS.md says."""
