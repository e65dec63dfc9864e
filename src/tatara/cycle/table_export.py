"""Placeholder: replaced by the table exporter."""
FORMATS = ("csv", "xlsx", "md", "html", "pdf")


def export_table(*, viewer, year, fmt):  # type: ignore[no-untyped-def]
    raise NotImplementedError
