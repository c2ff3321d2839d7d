import pytest

from notifications import rules
from notifications.rules import Rule, Subject
from smarteconomy.choices import Role

from .smtp import SmtpServer


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free port, and Django's SMTP backend pointed at it."""
    server = SmtpServer()
    server.start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    settings.SITE_URL = "https://se.example"
    yield server
    server.stop()


@pytest.fixture
def test_rules(monkeypatch):
    """Two rules of a test app for DPMPTSP, whose records the test sets: ``records["alpha"] = ["A-1", ...]``."""
    records = {"alpha": [], "beta": []}

    def make(code, label):
        return Rule(
            code=f"test.{code}",
            label=label,
            roles=(Role.DPMPTSP,),
            records=lambda user: list(records[code]),
            describe=lambda record, rule: Subject(f"test:{record}", f"Berkas {record}", f"/licensing/?q={record}"),
            order=1,
        )

    # Only these two: the product's rules would add what the test database happens to hold (periods due, ...).
    registered = {}
    registered["test.alpha"] = make("alpha", "Aturan alfa")
    registered["test.beta"] = make("beta", "Aturan beta")
    monkeypatch.setattr(rules.RULES, "entries", registered)
    return records
