"""Agreement figures for a project, computed from its coder layers."""

from annotator.agreement import compute_agreement
from annotator.agreement.compute import DEFAULT_AVERAGE, DEFAULT_UNIT, check_convention
from annotator.models import Project
from annotator.services.records import iter_records


def project_agreement(project: Project, unit: str = DEFAULT_UNIT,
                      average: str = DEFAULT_AVERAGE) -> dict:
    """Compute agreement over every coder layer of the project (boilerplate excluded).

    :raise InputError: for an unknown unit or average (before reading any record).
    """
    check_convention(unit, average)
    records = iter_records(project, layer="coders", include_boilerplate=False)
    return compute_agreement(records, unit=unit, average=average)
