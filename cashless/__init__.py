"""Indicator 6: e-parking transaction logs and their daily summaries."""
