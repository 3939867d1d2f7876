#!/usr/bin/env python3
"""Prepares accepted quotes for the order-placement benchmark through the portal's own API.

    benches/orders_fixture.py BASE_URL EMAIL PASSWORD COUNT OUT_FILE [PARTNERS]

Signs in as a partner's sales staff, creates 64 customers, then COUNT quotes spread over them (each
written, sent and accepted on the customer's behalf) with 8 clients at a time, and writes each
quote's id and the bearer token of its partner's staff to OUT_FILE, one quote a line. With
PARTNERS > 1, the operator (ADMIN_EMAIL, ADMIN_PASSWORD) first adds PARTNERS − 1 Flex partners with
a sales login each, and the customers and quotes are spread over all of them. Prints the tokens as
JSON. Standard library only.
"""
import os
import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE, EMAIL, PASSWORD, COUNT, OUT = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
PARTNERS = int(sys.argv[6]) if len(sys.argv) > 6 else 1
CUSTOMERS = 64


def call(method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def extra_partner_tokens():
    """Adds PARTNERS - 1 published Gold partners with a Flex agreement and a sales login each."""
    if PARTNERS <= 1:
        return []
    admin = call("POST", "/api/v1/auth/token", {
        "email": os.environ["ADMIN_EMAIL"], "password": os.environ["ADMIN_PASSWORD"]})["access_token"]
    tokens = []
    for p in range(1, PARTNERS):
        partner = call("POST", "/api/v1/admin/partners", {
            "slug": f"bench-partner-{p}", "name_ja": f"ベンチ販売店{p}", "name_en": f"Bench Reseller {p}",
            "tier": "gold", "csn": f"55500090{p:02d}", "country": "JP", "regions": ["JP-13"],
            "languages": ["ja"], "services": ["flex_tokens"], "max_discount_percent": 10,
            "invoice_registration_number": "T7000012050002",
            "flex_agreement": {"signed_on": "2024-04-01", "expires_on": "2099-03-31"}, "published": True,
        }, admin)
        email, password = f"sales@bench-partner-{p}.example", f"correct horse battery staple {p}"
        call("POST", "/api/v1/admin/users", {
            "email": email, "display_name": "Sales", "role": "partner_sales",
            "partner_id": partner["id"], "password": password,
        }, admin)
        tokens.append(call("POST", "/api/v1/auth/token", {"email": email, "password": password})["access_token"])
    return tokens


def main():
    tokens = [call("POST", "/api/v1/auth/token", {"email": EMAIL, "password": PASSWORD})["access_token"]]
    tokens += extra_partner_tokens()
    customers = [
        (tokens[i % len(tokens)], call("POST", "/api/v1/customers", {
            "company_name": f"株式会社ベンチ{i:02d}",
            "contact_name": "山田 太郎",
            "email": f"bench{i:02d}@example.com",
            "country": "JP",
            "language": "ja",
            "time_zone": "Asia/Tokyo",
            "purchaser_autodesk_id": f"purchaser{i:02d}@example.com",
        }, tokens[i % len(tokens)])["id"])
        for i in range(CUSTOMERS)
    ]

    def accepted_quote(i):
        token, customer = customers[i % CUSTOMERS]
        quote = call("POST", "/api/v1/quotes", {
            "customer_id": customer,
            "currency": "JPY",
            "lines": [{"tokens": 1000 + i % 500}],
        }, token)
        call("POST", f"/api/v1/quotes/{quote['id']}/send", None, token)
        call("POST", f"/api/v1/quotes/{quote['id']}/accept-on-behalf", {"reason": "benchmark"}, token)
        return quote["id"] + " " + token

    with ThreadPoolExecutor(max_workers=8) as pool:
        lines = list(pool.map(accepted_quote, range(COUNT)))
    with open(OUT, "w") as out:
        out.write("\n".join(lines) + "\n")
    print(json.dumps({"tokens": tokens, "quotes": len(lines)}))


if __name__ == "__main__":
    main()
