"""The one masking function (smarteconomy.logs.mask_personal_data) on NIKs and phone numbers as people write them:
with spaces, dots or dashes between the groups, and as a query string carries them ("+" or "%20" for a space,
"%2B" for a plus). Ordinary numbers (amounts, dates, ids, durations) are left alone. Then the places it guards: the
JSON access log of gunicorn, the export log and an import's error report."""

import json
import logging
import os
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse

from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.logs import mask_personal_data
from smarteconomy.models import ExportLog

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MASKED = [
    # (as written, as masked)
    ("6471055002004406", "6471**********06"),
    ("6471 0550 0200 4406", "6471**********06"),
    ("6471.0550.0200.4406", "6471**********06"),
    ("6471-0550-0200-4406", "6471**********06"),
    ("647105 500200 4406", "6471**********06"),
    ("64 71 05 500200 4406", "6471**********06"),
    ("6471+0550+0200+4406", "6471**********06"),
    ("6471%200550%200200%204406", "6471**********06"),
    ("081714776250", "0817*****250"),
    ("0817 1477 6250", "0817*****250"),
    ("0817-1477-6250", "0817*****250"),
    ("0817.1477.6250", "0817*****250"),
    ("0817+1477+6250", "0817*****250"),
    ("0817%201477%206250", "0817*****250"),
    ("+62 817-1477-6250", "6281******250"),
    ("+6281714776250", "6281******250"),
    ("62 817 1477 6250", "6281******250"),
    ("%2B62+817-1477-6250", "6281******250"),
    ("%2B62%20817%201477%206250", "6281******250"),
]

IN_CONTEXT = [
    ("NIK 6471 0550 0200 4406, HP 0817 1477 6250.", "NIK 6471**********06, HP 0817*****250."),
    ("q=Budi%200817%201477%206250&page=2", "q=Budi%200817*****250&page=2"),
    ("q=Budi+6471+0550+0200+4406", "q=Budi+6471**********06"),
    ("(0817-1477-6250)", "(0817*****250)"),
    ("telp:+62 817-1477-6250", "telp:6281******250"),
]

KEPT = [
    "Rp 1.234.567",
    "Rp 1.234.567,89",
    "Rp 62.812.345.678",  # an amount of 62 billion, not a phone number that starts with 628
    "Rp 1.234.567.890.123.456",
    "1,234,567,890",
    "2025-01-31 08:00:00",
    "31-01-2025",
    "2021 2022 2023 2024",  # four years, not a NIK: digits 7 to 10 are no birth date
    "NIB 9120001234567",
    "KBLI 10792",
    "transaction 20250131080000123",  # 17 digits: an operator's id
    "Task succeeded in 0.7628123456789059s",
    "ratio 0.8123456789012",
    '"GET /msme/registry/?page=2&per_page=50 HTTP/1.1" 200 48213',
    "RRN 000812345678",
    "/msme/registry/123/history/",
]


@pytest.mark.parametrize(("written", "masked"), MASKED)
def test_a_nik_or_phone_written_with_separators_is_masked(written, masked):
    assert mask_personal_data(written) == masked


@pytest.mark.parametrize(("written", "masked"), IN_CONTEXT)
def test_a_nik_or_phone_within_text_is_masked_and_the_text_kept(written, masked):
    assert mask_personal_data(written) == masked


@pytest.mark.parametrize("kept", KEPT)
def test_ordinary_numbers_are_left_alone(kept):
    assert mask_personal_data(kept) == kept


def test_the_gunicorn_access_log_masks_a_query_string_and_the_referer(capsys):
    """The access line as gunicorn writes it with deploy/gunicorn.conf.py: the request line as it came (URL-encoded),
    the referer, through the personal-data filter and the JSON formatter."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    namespace = {}
    with open(os.path.join(ROOT, "deploy", "gunicorn.conf.py")) as config:
        exec(config.read(), namespace)  # noqa: S102 (our own file)
    cfg = Config()
    cfg.set("logconfig_dict", namespace["logconfig_dict"])
    cfg.set("accesslog", "-")
    # gunicorn configures logging for the whole process: the loggers it touches are put back afterwards.
    touched = [logging.getLogger(name) for name in ("", "gunicorn.access", "gunicorn.error")]
    saved = [(each, each.handlers[:], each.level, each.propagate) for each in touched]
    try:
        logger = Logger(cfg)
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": "/msme/registry/?q=0817%201477%206250&owner=6471+0550+0200+4406",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_REFERER": "https://se.example/msme/registry/?q=%2B62+817-1477-6250",
            "HTTP_USER_AGENT": "test",
        }
        response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
        logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=43))
    finally:
        for name in ("gunicorn.access", "gunicorn.error"):
            for handler in logging.getLogger(name).handlers:
                handler.flush()
        for touched_logger, handlers, level, propagate in saved:
            touched_logger.handlers[:] = handlers
            touched_logger.setLevel(level)
            touched_logger.propagate = propagate
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert len(access) == 1, lines
    message = access[0]["message"]
    assert "/msme/registry/?q=0817*****250&owner=6471**********06" in message
    assert "?q=6281******250" in message
    for digits in ("1477", "6250", "0550 0200", "0550+0200", "4406"):
        assert digits not in message, message


@pytest.mark.django_db
def test_the_export_log_masks_a_search_for_a_spaced_nik_or_phone(client, role_users, reference_data):
    client.force_login(role_users["dkumkmp"])
    searches = ["6471 0550 0200 4406", "+62 817-1477-6250", "0817.1477.6250"]
    for q in searches:
        assert client.get(reverse("msme:msme_list"), {"q": q, "export": "csv"}).status_code == 200
    logged = list(ExportLog.objects.order_by("pk").values_list("query", flat=True))
    assert len(logged) == 3
    assert logged[0] == "q=6471**********06&export=csv"
    assert logged[1] == "q=6281******250&export=csv"
    assert logged[2] == "q=0817*****250&export=csv"
    client.force_login(role_users["bappeda"])
    page = client.get(reverse("exports:log_list")).content.decode()
    assert "1477" not in page and "0550" not in page


@pytest.mark.django_db
def test_the_monitoring_report_log_masks_its_query_string(client, role_users, reference_data):
    client.force_login(role_users["bappeda"])
    client.get(reverse("analytics:report"), {"format": "xlsx", "note": "0817 1477 6250"})
    log = ExportLog.objects.get()
    assert "1477" not in log.query and "0817*****250" in log.query


@pytest.mark.django_db
def test_an_import_report_quoting_a_spaced_nik_and_phone_is_masked_for_other_offices(
    client, role_users, reference_data, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path)
    header = "name,owner_name,owner_nik,nib,phone,address,kelurahan,business_category,registered_on\n"
    row = "Amplang Bu Sari,Sari,6471054507880002,,,Jl. Mulawarman,6471 0550 0200 4406,culinary,+62 817-1477-6250\n"
    batch = run_import("msmes", data=(header + row).encode(), filename="umkm.csv", user=role_users["dkumkmp"])
    assert batch.status == ImportStatus.REFUSED
    assert "6471 0550 0200 4406" in str(batch.errors)  # the stored report quotes the row

    client.force_login(role_users["dkumkmp"])
    assert "0550 0200" in client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    for role in ("bappeda", "admin"):
        client.force_login(role_users[role])
        for url in (reverse("imports:batch_detail", args=[batch.pk]), reverse("imports:batch_errors", args=[batch.pk])):
            response = client.get(url)
            body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
            assert response.status_code == 200
            assert "0550" not in body and "1477" not in body, (url, role)
            assert "6471**********06" in body
