"""Import cloud prices into pricing.json from published catalogs.

One module per concern:

* :mod:`.catalog` - the common shape every reader produces (:class:`~.catalog.Catalog` of
  :class:`~.catalog.Row`), format detection, and the catalog's metadata (version, commit, date);
* :mod:`.aws_offer`, :mod:`.skypilot`, :mod:`.gpuhunt` - one reader per catalog format;
* :mod:`.online` - the published URL of each catalog and the fetch (a clear one-line error offline);
* :mod:`.matching` - catalog names to pricing.json keys: providers (``/providers/*/catalog_names``),
  GPUs (``/gpus/*/aliases``), instances, the region to read and the price of a row group;
* :mod:`.guards` - missing, zero and more-than-3x prices: what is refused, what is appended;
* :mod:`.update` - the new observations, the catalog's ``sources`` entry, the validated write;
* :mod:`.summary` - the readable list of what changed;
* :mod:`.cli` - the command line (``tools/import_prices.py`` and ``nox -s prices`` run it).

Standard library only; the calculators' own loader validates the result.
"""
