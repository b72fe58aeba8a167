"""The practice side: what GPs receive and decide, and how staff invite patients."""
