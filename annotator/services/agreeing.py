"""Agreement figures for a project, computed from its coder layers."""

from annotator.agreement import compute_agreement
from annotator.models import Project
from annotator.services.records import iter_records


def project_agreement(project: Project) -> dict:
    """Compute agreement over every coder layer of the project (boilerplate excluded)."""
    return compute_agreement(iter_records(project, layer="coders", include_boilerplate=False))
