"""Tests of the extraction layer (crawler/extraction, akhbar extract/date)."""
