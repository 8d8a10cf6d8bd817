"""The bundled demo: three Arabic news sites served on loopback so the whole pipeline runs offline.

``crawler.demo.server.DemoServer`` serves ``sites/<id>/public``. Those files are built, with the expected
archive values (``tests/fixtures/demo/<id>.json``), from ``sites/<id>/articles.toml`` by ``tools/demo/build.py``
(``python -m tools.demo.build`` in a checkout); the generator is not part of the installed package.
"""
