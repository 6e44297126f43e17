"""Label Studio tasks with each layer as a prediction (pre-annotations to correct), not an
annotation: `--format label-studio-predictions`. See label_studio.py."""

from annotator.formats import label_studio


def write(records, out, **options) -> dict:
    """Write out/tasks.json with `predictions`; return the card."""
    return label_studio.write(records, out, results="predictions", **options)
