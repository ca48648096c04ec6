from django.test import RequestFactory

from samverkan.safe_urls import same_site_path


def test_only_this_sites_urls_come_back_as_a_path():
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    assert same_site_path(request, "http://testserver/samverkan/1/?fraga=2") == "/samverkan/1/?fraga=2"
    assert same_site_path(request, "/samverkan/1/") == "/samverkan/1/"
    for foreign in ("https://evil.example/samverkan/1/", "//evil.example/x", "javascript:alert(1)", "", None):
        assert same_site_path(request, foreign) == ""


def test_an_https_request_refuses_an_http_url():
    request = RequestFactory().get("/", HTTP_HOST="testserver", secure=True)
    assert same_site_path(request, "http://testserver/samverkan/1/") == ""
    assert same_site_path(request, "https://testserver/samverkan/1/") == "/samverkan/1/"
