"""The SQLite archive: schema migrations, connection set-up, writes and reads. No Scrapy imports."""
