"""No lost writes: count in the database what a locust run (bench/locustfile.py) says the server accepted.

    DATABASE_URL=postgres://... .venv/bin/python bench/count_writes.py var/locust-writes.json

Every write of the run carries its marker: a service disruption's impact, a registered MSME's name, a pushed
parking transaction's id. Prints accepted and stored for each kind; exits 1 when fewer are stored than were
accepted (a lost write). More stored than accepted is reported, not failed: the server stored a write whose answer
never reached the client (the connection was reset, or the run stopped while the request was in flight; locust's
--stop-timeout lets the users finish their requests), which a client retrying the same API batch would find
already stored."""

import json
import sys

import _common  # noqa: F401  (Django on the configured database)

from cashless.models import ParkingTransaction
from licensing.models import ServiceDisruption
from msme.models import Msme


def main(path):
    with open(path, encoding="utf-8") as source:
        run = json.load(source)
    marker = run["marker"]
    stored = {
        "disruption": ServiceDisruption.objects.filter(impact__startswith=marker).count(),
        "msme": Msme.objects.filter(name__startswith=marker).count(),
        "parking_transaction": ParkingTransaction.objects.filter(transaction_id__startswith=marker).count(),
    }
    lost = False
    print(f"run {marker}")
    for kind, accepted in run["accepted"].items():
        if stored[kind] < accepted:
            lost = True
            verdict = f"LOST {accepted - stored[kind]:,}"
        elif stored[kind] > accepted:
            verdict = f"OK, {stored[kind] - accepted:,} stored without an answer received"
        else:
            verdict = "OK"
        print(f"  {kind:<20} accepted {accepted:>8,}   stored {stored[kind]:>8,}   {verdict}")
    return 1 if lost else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
