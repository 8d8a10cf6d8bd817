"""The generator of the bundled demo sites' pages (``crawler/demo/sites/<id>/public``): ``python -m tools.demo.build``.

``source`` reads each site's ``articles.toml``; one ``render_*`` module per site theme writes its pages; ``assets``
adds the images they reference; ``build`` writes the files, or with ``--check`` compares them with the committed ones.
"""
