"""Indicators 4 and 5: the MSME registry, Sobat UMKM listings, trainings and the SME Center outlet."""
