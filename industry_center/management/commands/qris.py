"""``manage.py qris decode PAYLOAD`` and ``manage.py qris dynamic PAYLOAD --amount N [--bill-number X]``."""

import json

from django.core.management.base import BaseCommand, CommandError

from industry_center import qris


class Command(BaseCommand):
    help = "Decode a QRIS payload (JSON with crc_valid) or turn a static QRIS into a dynamic one for an amount."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        decode = commands.add_parser("decode", help="print the data objects as JSON, with crc_valid")
        decode.add_argument("payload")
        dynamic = commands.add_parser("dynamic", help="print the dynamic payload for an amount (and bill number)")
        dynamic.add_argument("payload")
        dynamic.add_argument("--amount", required=True, help="amount in Rupiah, e.g. 150000")
        dynamic.add_argument("--bill-number", help="bill number, put in tag 62 sub-tag 01")

    def handle(self, *args, **options):
        options["payload"] = options["payload"].strip()  # pasted with a trailing newline
        try:
            if options["action"] == "decode":
                result = qris.decode(options["payload"])
                self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
                if not result["valid"]:
                    raise CommandError("invalid QRIS payload: " + " ".join(result["problems"]))
            else:
                self.stdout.write(
                    qris.make_dynamic(options["payload"], amount=options["amount"], bill_number=options["bill_number"])
                )
        except qris.QrisError as error:
            raise CommandError(f"invalid QRIS payload or request: {error}") from None
