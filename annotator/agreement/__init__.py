"""Inter-annotator agreement over native records: pure functions, no Flask and no database.

`compute_agreement` takes native interchange records and returns a JSON-serialisable dict;
`format_agreement_table` and `agreement_svg` render that dict for the CLI and the pages.
docs/agreement.md says how each figure is computed.
"""

from annotator.agreement.compute import compute_agreement
from annotator.agreement.pairs import AVERAGES
from annotator.agreement.records import UNITS
from annotator.agreement.svg import agreement_svg
from annotator.agreement.table import format_agreement_table

__all__ = ["AVERAGES", "UNITS", "agreement_svg", "compute_agreement", "format_agreement_table"]
