"""``/kontrollera/`` (``document_check``): anyone holding a PDF may check, without logging in, whether it
is an unaltered decided version kept here and whether its seal is intact. An unknown or altered file gets
one neutral answer that reveals nothing. The page only reads (the rate limit counts in the cache)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from projects.records import queries
from projects.records import services as records
from projects.records.forms import MAX_BYTES, CheckForm

PAGE = "projects/records/document_check.html"


def _declared_size(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@never_cache
@require_http_methods(["GET", "POST"])
def document_check(request):
    result = None
    checked = False
    if request.method == "POST" and _declared_size(request) > MAX_BYTES + 64 * 1024:
        form = CheckForm.too_large(request)  # refused before the body is read
    elif request.method == "POST":
        form = CheckForm(request.POST, request.FILES, request=request)
        if form.is_valid():
            checked = True
            found = records.check_file(form.cleaned_data["file"])
            if found:
                record = found["record"]
                version = record.version
                result = {
                    "record": record,
                    "version": version,
                    "title": version.content.get("title") or version.agreement.title,
                    "collaboration": version.content.get("collaboration") or version.agreement.collaboration,
                    "decisions": queries.decisions(version),
                    "decided_on": records.decided_on(version),
                    "seal": found["seal"],
                }
            form = CheckForm(request=request)  # the file is not kept: a new, empty form
    else:
        form = CheckForm(request=request)
    status = 422 if request.method == "POST" and not checked else 200
    return render(request, PAGE, {"form": form, "checked": checked, "result": result}, status=status)
