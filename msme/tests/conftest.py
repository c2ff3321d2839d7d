import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages(request):
    """The unit tests read the messages in English (the interface itself defaults to Indonesian)."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    with translation.override("en"):
        yield
