"""Text and URL normalization shared by dedupe and search. Plain Python, no Scrapy imports."""
