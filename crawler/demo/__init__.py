"""The bundled demo: three Arabic news sites served on loopback so the whole pipeline runs offline.

``crawler.demo.server.DemoServer`` serves ``sites/<id>/public``; ``crawler.demo.build`` writes those files
and the expected archive values (``tests/fixtures/demo/<id>.json``) from ``sites/<id>/articles.toml``.
"""
