"""PDFs from templates (WeasyPrint): tagged for screen readers, fetching nothing from anywhere."""

from django.template.loader import render_to_string


def _fetch_nothing(url, timeout=10, ssl_context=None):
    """WeasyPrint's url_fetcher: a document never fetches anything (no images, fonts or CSS from outside)."""
    raise ValueError(f"the document does not fetch {url!r}")


def pdf_render(template_name: str, context: dict) -> bytes:
    """Render ``template_name`` to a PDF/UA-1 document (headings, tables and reading order tagged)."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=_fetch_nothing).write_pdf(pdf_variant="pdf/ua-1")
