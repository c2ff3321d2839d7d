"""The audit trail: every data model keeps its history; a record's page shows who changed what, when."""

import pytest
from django.apps import apps
from django.urls import reverse

from smarteconomy.models import Kelurahan

# Logs are append-only records of the system's own actions; they are the audit trail, not its subject.
LOG_MODELS = {"smarteconomy.importbatch", "smarteconomy.exportlog", "smarteconomy.taskrun", "sampleapp.payment"}
# Derived data, recomputed from records that have their own history.
LOG_MODELS |= {"analytics.indicatorsnapshot", "smarteconomy.dirtyperiod"}
# The e-parking log is append-only, written only by imports (their ImportBatch is its audit trail); a history
# row per transaction would double millions of writes. Its summaries and dirty dates are derived from it.
LOG_MODELS |= {"cashless.parkingtransaction", "cashless.dailysummary", "cashless.dirtydate"}
# An archived month of that log is a record of the archive task's own action (its dump, checksum and row count).
LOG_MODELS |= {"cashless.parkingarchive"}
# A background export is a job of the export log (ExportLog keeps who exported what); its progress is rewritten
# every few thousand rows.
LOG_MODELS |= {"smarteconomy.exportjob"}
# A published edition and its entries are written once and never changed (analytics.editions refuses any save after
# creation); the value history is itself the snapshots' audit trail.
LOG_MODELS |= {"analytics.scorecardedition", "analytics.editionentry", "analytics.indicatorsnapshothistory"}
# A notification is written once by the rules (only its read time changes); an outbox row is a sending log.
LOG_MODELS |= {"notifications.notification", "notifications.outboxmessage"}
PRODUCT_APPS = {"smarteconomy", "analytics", "licensing", "industry_center", "msme", "cashless", "notifications"}


def test_every_data_model_of_the_product_has_a_history():
    missing = []
    for model in apps.get_models():
        meta = model._meta
        label = f"{meta.app_label}.{meta.model_name}"
        if meta.app_label not in PRODUCT_APPS | {"sampleapp"} or label in LOG_MODELS:
            continue
        if meta.model_name.startswith("historical"):
            continue
        if not hasattr(model, "history"):
            missing.append(label)
    assert not missing, f"models without django-simple-history: {missing}"


@pytest.mark.django_db
def test_a_change_in_the_back_office_shows_who_when_and_what_on_the_record_page(client, role_users, reference_data):
    kelurahan = Kelurahan.objects.get(name="Manggar")
    client.force_login(role_users["admin"])
    response = client.post(
        reverse("admin:smarteconomy_kelurahan_change", args=[kelurahan.pk]),
        {"code": kelurahan.code, "name": "Manggar", "kecamatan": kelurahan.kecamatan_id, "postal_code": "76119"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = kelurahan.history.latest()
    assert latest.history_user == role_users["admin"]
    assert latest.history_type == "~"

    client.force_login(role_users["bappeda"])
    page = client.get(kelurahan.get_absolute_url())
    rows = page.context["history_rows"]
    assert rows[0]["record"].history_user == role_users["admin"]
    assert [(str(label), old, new) for label, old, new in rows[0]["changes"]] == [
        (str(Kelurahan._meta.get_field("postal_code").verbose_name), "76116", "76119")
    ]
    assert rows[-1]["record"].history_type == "+"
    assert "76119" in page.content.decode()


@pytest.mark.django_db
def test_import_batches_and_exports_are_logged(client, role_users, reference_data):
    from smarteconomy.models import ExportLog, ImportBatch

    # load_reference went through the shared importer: one batch per file.
    assert set(ImportBatch.objects.values_list("importer", "status")) == {
        ("wilayah", "committed"),
        ("sectors", "committed"),
        ("regions", "committed"),
        ("holidays", "committed"),
    }
    client.force_login(role_users["bappeda"])
    b"".join(client.get(reverse("reference:sector_list"), {"export": "xlsx"}).streaming_content)
    assert ExportLog.objects.filter(user=role_users["bappeda"], format="xlsx", rows=17).exists()


@pytest.mark.django_db
def test_the_history_shows_choice_labels_not_codes(client, role_users):
    from django.utils import timezone

    from licensing.models import PermitType
    from licensing.services import permit_application_create, permit_application_transition

    permit_type = PermitType.objects.create(code="x", name="X", service_level_days=3, risk_level="rendah")
    application = permit_application_create(
        registration_number="R-1",
        applicant_name="A",
        applicant_kind="person",
        permit_type=permit_type,
        channel="counter",
        submitted_at=timezone.now(),
    )
    permit_application_transition(application=application, to_status="verification")
    client.force_login(role_users["dpmptsp"])
    client.cookies["django_language"] = "en"
    rows = client.get(application.get_absolute_url()).context["history_rows"]
    assert [(str(old), str(new)) for _label, old, new in rows[0]["changes"]] == [("Submitted", "In verification")]
