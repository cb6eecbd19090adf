"""Home page (portal introduction + tutorial menu), tutorial pages, FAQ, media."""

import mimetypes
import re

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jmo_portal.querystring import query_text

from .media import media_file
from .selectors import branch_list, faq_search, tutorial_get, tutorial_list
from .services import tutorial_view_record

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
mimetypes.add_type("text/vtt", ".vtt")
mimetypes.add_type("video/webm", ".webm")


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tutorials/home.html",
        {"cards": tutorial_list(), "branches": branch_list()[:3]},
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    card = tutorial_get(slug=slug)
    if card is None:
        raise Http404
    participant = getattr(request.user, "participant", None)
    if participant is not None:
        tutorial_view_record(tutorial=card.tutorial, participant=participant)
    others = [c for c in tutorial_list() if c.tutorial.slug != slug]
    return render(request, "tutorials/detail.html", {"card": card, "others": others})


def faq(request: HttpRequest) -> HttpResponse:
    query = query_text(request, "q")
    return render(
        request,
        "tutorials/faq.html",
        {"faqs": faq_search(query=query), "query": query},
    )


def branches(request: HttpRequest) -> HttpResponse:
    return render(request, "tutorials/branches.html", {"branches": branch_list()})


@require_GET
def media(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """Serve a recorded file; byte ranges let the browser seek in the video."""
    path = media_file(slug, name)
    if path is None:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    size = path.stat().st_size
    match = RANGE.match(request.headers.get("Range", ""))
    if not match or not any(match.groups()):
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last or size - 1), size - 1)
    else:  # "bytes=-N": the last N bytes
        start, end = max(size - int(last), 0), size - 1
    if start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    with path.open("rb") as fh:
        fh.seek(start)
        body = fh.read(end - start + 1)
    response = HttpResponse(body, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response
