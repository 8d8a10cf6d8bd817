"""The Akhbar spider: one generic news spider driven by the site registry."""
