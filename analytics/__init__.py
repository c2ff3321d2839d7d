"""Indicator 1 (leading sectors from GRDP) and the scorecard of all six indicators."""
