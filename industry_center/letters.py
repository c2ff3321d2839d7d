"""The arrears letters (surat teguran) of the industry centre: one printable page per tenant with bills past their
due date, listing those bills, each with its dynamic QRIS (the bill page's own payload and QR code, drawn as vector
squares). Sent to DKUMKMP each month as a PDF attached to the scheduled report (industry_center.notifications).

The letter is addressed to the tenant, so its text is Indonesian whatever the officer's interface language, like the
letterhead of the printed bill (templates/industry_center/bill_print.html)."""

import io
from collections import defaultdict

from django.utils import translation
from django.utils.formats import date_format

from smarteconomy.templatetags.formatting import rupiah

from .models import LevyBill
from .selectors import bill_qris_payload, bills_overdue, qr_code


def tenants_in_arrears(user, *, on):
    """[(tenant, [bills])] of the bills ``user`` may see that are open after their due date on ``on`` (the bill
    list's ``overdue`` filter), by tenant name, each tenant's bills by due date."""
    bills = (
        bills_overdue(LevyBill.objects.visible_to(user), today=on)
        .select_related("tenancy__tenant", "tenancy__house__centre", "arrears_of")
        .order_by("tenancy__tenant__name", "tenancy__tenant_id", "due_date", "number")
    )
    by_tenant = defaultdict(list)
    for bill in bills:
        by_tenant[bill.tenancy.tenant].append(bill)
    return list(by_tenant.items())


def _qr_drawing(payload, size):
    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.lib import colors

    matrix = [list(row) for row in qr_code(payload).matrix_iter(scale=1, border=4)]
    cell = size / len(matrix)
    drawing = Drawing(size, size)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                drawing.add(Rect(x * cell, size - (y + 1) * cell, cell, cell, fillColor=colors.black, strokeColor=None))
    return drawing


def arrears_letters_pdf(tenants, *, on):
    """The PDF of the letters of ``tenants`` ([(tenant, bills)], tenants_in_arrears), dated ``on``."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepInFrame, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from analytics.reports import pdf_fonts

    regular, bold = pdf_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=10, leading=14)
    styles = {
        "base": base,
        "head": ParagraphStyle("head", base, fontName=bold, alignment=1, fontSize=11),
        "small_head": ParagraphStyle("small_head", base, alignment=1, fontSize=9),
        "title": ParagraphStyle("title", base, fontName=bold, alignment=1, fontSize=13, spaceBefore=8),
        "center": ParagraphStyle("center", base, alignment=1),
        "cell": ParagraphStyle("cell", base, fontSize=9, leading=11),
        "caption": ParagraphStyle("caption", base, fontSize=8, leading=10, alignment=1),
    }

    def para(text, style="base"):
        from xml.sax.saxutils import escape

        return Paragraph(escape(str(text)), styles[style])

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title="Surat Teguran Retribusi",
        author="Pemerintah Kota Balikpapan",
        creator="Smart Economy Balikpapan",
    )
    story = []
    with translation.override("id"):
        day = date_format(on, "j F Y")
        for index, (tenant, bills) in enumerate(tenants, start=1):
            centre = bills[0].tenancy.house.centre
            total = sum(bill.outstanding for bill in bills)
            rows = [[para(text, "cell") for text in ("Nomor tagihan", "Retribusi", "Jatuh tempo", "Terutang")]]
            for bill in bills:
                what = (
                    f"Bunga keterlambatan {bill.arrears_of.number}"
                    if bill.arrears_of_id
                    else f"Retribusi rumah produksi {date_format(bill.period, 'F Y')}"
                )
                rows.append(
                    [
                        para(bill.number, "cell"),
                        para(what, "cell"),
                        para(date_format(bill.due_date, "j F Y"), "cell"),
                        para(rupiah(bill.outstanding), "cell"),
                    ]
                )
            rows.append([para("Jumlah", "cell"), "", "", para(rupiah(total), "cell")])
            table = Table(rows, colWidths=[45 * mm, 60 * mm, 30 * mm, 35 * mm], repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#6c757d")),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                        ("SPAN", (0, -1), (2, -1)),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ]
                )
            )
            codes = []
            for bill in bills:
                payload = bill_qris_payload(bill)
                if payload:
                    codes.append(
                        [_qr_drawing(payload, 42 * mm), para(f"{bill.number} · {rupiah(bill.outstanding)}", "caption")]
                    )
            qr_rows = []
            for start in range(0, len(codes), 3):
                chunk = codes[start : start + 3]
                qr_rows.append([code[0] for code in chunk] + [""] * (3 - len(chunk)))
                qr_rows.append([code[1] for code in chunk] + [""] * (3 - len(chunk)))
            page = [
                para("PEMERINTAH KOTA BALIKPAPAN", "small_head"),
                para("DINAS KOPERASI, USAHA MIKRO, KECIL DAN MENENGAH DAN PERINDUSTRIAN", "head"),
                para(f"{centre}{' · ' + centre.address if centre.address else ''}", "small_head"),
                Spacer(1, 4),
                para("SURAT TEGURAN", "title"),
                para(f"Nomor: ST/{centre.code}/{on:%Y/%m}/{index:03d}", "center"),
                Spacer(1, 10),
                para(f"Balikpapan, {day}"),
                Spacer(1, 6),
                para("Kepada Yth."),
                para(f"{tenant.name}"),
                para(f"u.p. {tenant.owner_name}"),
                para(f"Rumah produksi {', '.join(sorted({str(bill.tenancy.house) for bill in bills}))}, {centre}"),
                Spacer(1, 8),
                para(
                    f"Berdasarkan catatan kami sampai dengan {day}, retribusi berikut telah melewati jatuh tempo dan "
                    "belum dilunasi:"
                ),
                Spacer(1, 4),
                table,
                Spacer(1, 8),
                para(
                    "Kami mohon Saudara segera melunasinya. Pembayaran dapat dilakukan dengan memindai QRIS setiap "
                    "tagihan di bawah ini dengan aplikasi pembayaran apa pun, atau di loket sentra. Keterlambatan "
                    "dikenai bunga sesuai ketentuan retribusi daerah. Abaikan surat ini bila tagihan telah dibayar."
                ),
                Spacer(1, 6),
            ]
            if qr_rows:
                page.append(Table(qr_rows, colWidths=[56 * mm] * 3))
            page += [Spacer(1, 10), para("Kepala Dinas,"), Spacer(1, 30), para("(..............................)")]
            story.append(KeepInFrame(doc.width, doc.height, page, mode="shrink"))
            if index < len(tenants):
                story.append(PageBreak())
        if not story:
            story.append(para(f"Tidak ada tunggakan retribusi per {day}."))
    doc.build(story)
    return buffer.getvalue()
