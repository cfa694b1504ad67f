"""A central reached over plain HTTP loads no CA bundle (a tenth of the terminal's start), and
never trusts TLS it did not ask for; an https central verifies as configured."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import httpx
import pytest

from client.central_http import CentralHttp, tls_verify


def _context(central: CentralHttp) -> ssl.SSLContext:
    transport = central.http._transport
    assert isinstance(transport, httpx.AsyncHTTPTransport)
    context = transport._pool._ssl_context
    assert isinstance(context, ssl.SSLContext)
    return context


@pytest.mark.parametrize("url", ["http://127.0.0.1:8650", "HTTP://hall.local/"])
async def test_a_plain_http_central_loads_no_certificates_and_fails_closed(url: str) -> None:
    central = CentralHttp(url)
    try:
        context = _context(central)
        assert context.cert_store_stats()["x509_ca"] == 0  # nothing loaded, nothing trusted
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    finally:
        await central.aclose()


async def test_an_https_central_verifies_with_the_ca_bundle() -> None:
    central = CentralHttp("https://central.example.gov.cn")
    try:
        context = _context(central)
        assert context.cert_store_stats()["x509_ca"] > 100
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    finally:
        await central.aclose()


def test_a_configured_ca_bundle_or_transport_is_passed_through() -> None:
    bundle = str(Path(certifi.where()))
    assert tls_verify("https://central.example.gov.cn", bundle, None) == bundle
    assert tls_verify("https://central.example.gov.cn", True, None) is True
    # The demo and tests hand in their own transport (in-process): it decides, not the URL.
    assert tls_verify("http://demo", True, httpx.AsyncHTTPTransport()) is True
