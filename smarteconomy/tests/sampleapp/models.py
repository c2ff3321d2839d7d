from django.db import models


class Payment(models.Model):
    """A payment-like record with a code, a date, an amount and a channel: enough to test every rule."""

    reference = models.CharField(max_length=20, unique=True)
    paid_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    channel = models.CharField(max_length=10)
    kelurahan = models.ForeignKey("smarteconomy.Kelurahan", null=True, on_delete=models.PROTECT)
    note = models.CharField(max_length=100, blank=True)

    def __str__(self):
        return self.reference
