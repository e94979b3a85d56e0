"""Fixtures for the pipeline tests: one real build of data/, shared by the session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from r2p_graph.config import Settings
from r2p_graph.local import LocalGraph
from r2p_graph.pipeline.build import BuildResult, build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Project settings with a private build cache."""
    return Settings().replace(cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def built(settings: Settings) -> BuildResult:
    """The real data, loaded, validated and inferred once."""
    return build(settings)


@pytest.fixture(scope="session")
def graph(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> LocalGraph:
    """The built dataset in an in-process query engine (default graph = union)."""
    from r2p_graph.pipeline.build import write_dataset

    out = write_dataset(built.dataset, tmp_path_factory.mktemp("built") / "dataset.nq")
    return LocalGraph.from_nquads(out)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target
