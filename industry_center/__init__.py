"""Indicator 3: the SIKS Somber centre, its tenants, levy bills and QRIS payments."""
