"""``platform.*``: Pinterest's own answers to a publish call, as the classifier reads them."""

from __future__ import annotations
