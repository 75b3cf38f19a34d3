"""An estimate as text: one line per billed item, the total, and the assumptions."""

from __future__ import annotations

from collections.abc import Sequence

from meddoc.pricing.estimate import Estimate


def render(estimate: Estimate, notes: Sequence[str] = ()) -> str:
    lines = [
        f"estimated cost on AWS: ${estimate.total:,.2f} for {estimate.documents:,} documents, "
        f"{estimate.pages:,} pages"
    ]
    width = max([27, *(len(line.item) for line in estimate.lines)])
    for line in estimate.lines:
        lines.append(
            f"  {line.service:<19} {line.item:<{width}} {line.quantity:>14,.1f} "
            f"{line.unit:<22} ${line.cost:>10,.4f}"
        )
    for service, cost in estimate.by_service().items():
        lines.append(f"  = {service:<19} ${cost:>12,.4f}")
    lines.append("assumptions:")
    lines += [f"  - {note}" for note in [*estimate.assumptions, *notes]]
    return "\n".join(lines) + "\n"
