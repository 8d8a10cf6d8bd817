"""Downloader middlewares of the Akhbar crawl."""
