import pytest

from opendata import registry
from opendata.testing import sample_dataset


@pytest.fixture
def sample():
    """The sample dataset, registered for one test (under its own code, beside whatever the apps declare)."""
    dataset = registry.register(sample_dataset("opendata-test-sample"))
    yield dataset
    registry.DATASETS.entries.pop(dataset.code, None)
