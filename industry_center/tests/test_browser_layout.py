"""The reconciliation page's layout in Chromium: the officer can see and press each candidate bill's button at the
widths of an office PC (1280-1366 px) as on a phone."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from industry_center.models import SettlementRow
from industry_center.services import levy_bills_issue_month
from smarteconomy.choices import Role
from smarteconomy.importing import run_import
from smarteconomy.testing_browser import ARTIFACTS, submit_login

from .factories import MERCHANT_ID, make_centre, make_tenancy

pytestmark = pytest.mark.browser
PASSWORD = "x-test-password-1"  # conftest's make_user

# Each candidate's button, brought into view as the officer would (scrolling the page, and the table inside its card
# on a phone): is anything else drawn over its middle, and does it lie within its column? And does the candidates'
# table need a horizontal scroll at all?
BUTTONS = """() => [...document.querySelectorAll('[data-testid^=choose-]')].map((b) => {
  b.scrollIntoView({block: 'center', inline: 'nearest', behavior: 'instant'});
  const r = b.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const column = (b.closest('[class*=col-]') || b.closest('main')).getBoundingClientRect();
  const scroller = b.closest('.table-responsive');
  return {id: b.dataset.testid, left: r.left, right: r.right, covered: !(hit && b.contains(hit)),
          by: hit ? hit.tagName + '.' + hit.className : null,
          inside: r.left >= column.left - 0.5 && r.right <= column.right + 0.5,
          tableScrolls: scroller ? scroller.scrollWidth > scroller.clientWidth : false};
})"""


@pytest.fixture
def ambiguous_row(make_user):
    """An unmatched QRIS payment with three candidate bills of the same amount, tenants with long (real-life) names."""
    officer = make_user("dkumkmp", Role.DKUMKMP)
    centre = make_centre()
    names = [
        "Koperasi Produsen Tempe Tahu Indonesia Kota Balikpapan",
        "UD Tempe Barokah Sumber Rejeki Makmur Sejahtera",
        "CV Tahu Sumedang Asli Gunung Samarinda Baru",
    ]
    for index, name in enumerate(names, start=1):
        make_tenancy(centre, f"RP-{index:02d}", name, levy=150_000, start=date(2025, 1, 1))
    today = timezone.localdate()
    levy_bills_issue_month(period=today.replace(day=1), today=today)
    moment = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    header = "transaction_time,amount,rrn,bill_number,merchant_id,payer\n"
    batch = run_import(
        "qris_settlement",
        data=f"{header}{moment},150000,991122334499,,{MERCHANT_ID},\n".encode(),
        filename="settlement.csv",
        user=officer,
    )
    assert batch.rows_created == 1, batch.errors
    row = SettlementRow.objects.get()
    assert row.candidates.count() == 3
    return row


@pytest.mark.parametrize("width", [1280, 1366, 390])
def test_the_candidate_bills_buttons_are_visible_and_uncovered(page, ambiguous_row, width):
    page.set_viewport_size({"width": width, "height": 900})
    submit_login(page, "dkumkmp", PASSWORD)
    assert "/accounts/login" not in page.url
    page.goto(reverse("industry_center:settlement_detail", args=[ambiguous_row.pk]))
    buttons = page.evaluate(BUTTONS)
    assert len(buttons) == 3
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"reconciliation-detail-{width}.png"), full_page=True)
    assert [b for b in buttons if b["covered"] or not b["inside"]] == [], buttons
    if width >= 1280:  # an office PC: every button in sight without scrolling the table sideways
        assert [b for b in buttons if b["tableScrolls"]] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # And pressing one records the payment.
    page.get_by_test_id(buttons[1]["id"]).click()
    page.wait_for_load_state()
    ambiguous_row.refresh_from_db()
    assert ambiguous_row.status == "resolved"
