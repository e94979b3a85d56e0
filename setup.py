"""Package list for setuptools; everything else is in pyproject.toml.

The code's packages are found as usual. Two more are mapped from the top-level folders
(``[tool.setuptools.package-dir]``): ``r2p_graph.bundled.ontology`` and
``r2p_graph.bundled.data``, so a wheel carries the ontology and the dataset without a copy
of either in git. ``packages.find`` in pyproject.toml cannot add packages that have no
folder under ``r2p_graph/``, hence this file.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["r2p_graph", "r2p_graph.*"]),
        "r2p_graph.bundled.ontology",
        "r2p_graph.bundled.data",
    ]
)
