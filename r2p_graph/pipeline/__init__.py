"""The pipeline: data/ + ontology/ -> load -> validate -> infer -> build.

* :mod:`.files` which files are inputs (no RDF library: the cached-build check uses it);
* :mod:`.load` read the ontology and the data (pyoxigraph; rdflib for the shapes);
* :mod:`.validate` SHACL validation and its reports, over :mod:`.pyshacl_adapter`;
* :mod:`.infer` OWL RL inference (Oxigraph rules, or owlrl as the reference);
* :mod:`.terms` terms between rdflib and pyoxigraph, and the typed-literal check;
* :mod:`.build` the whole run, and the cached N-Quads build a server starts from.

The pipeline imports nothing from :mod:`r2p_graph.store` or :mod:`r2p_graph.web`: it
writes a build; the CLI or the app factory then opens a store over it.
"""
