"""Indicator 2: permit applications handled by DPMPTSP through Spontan and OSS."""
