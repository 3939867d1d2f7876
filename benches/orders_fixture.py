#!/usr/bin/env python3
"""Prepares accepted quotes for the order-placement benchmark through the portal's own API.

    benches/orders_fixture.py BASE_URL EMAIL PASSWORD COUNT OUT_FILE

Signs in as a partner's sales staff, creates 64 customers, then COUNT quotes spread over them (each
written, sent and accepted on the customer's behalf) with 8 clients at a time, and writes the quote
ids to OUT_FILE, one a line. Standard library only.
"""
import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE, EMAIL, PASSWORD, COUNT, OUT = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
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


def main():
    token = call("POST", "/api/v1/auth/token", {"email": EMAIL, "password": PASSWORD})["access_token"]
    customers = [
        call("POST", "/api/v1/customers", {
            "company_name": f"株式会社ベンチ{i:02d}",
            "contact_name": "山田 太郎",
            "email": f"bench{i:02d}@example.com",
            "country": "JP",
            "language": "ja",
            "time_zone": "Asia/Tokyo",
            "purchaser_autodesk_id": f"purchaser{i:02d}@example.com",
        }, token)["id"]
        for i in range(CUSTOMERS)
    ]

    def accepted_quote(i):
        quote = call("POST", "/api/v1/quotes", {
            "customer_id": customers[i % CUSTOMERS],
            "currency": "JPY",
            "lines": [{"tokens": 1000 + i % 500}],
        }, token)
        call("POST", f"/api/v1/quotes/{quote['id']}/send", None, token)
        call("POST", f"/api/v1/quotes/{quote['id']}/accept-on-behalf", {"reason": "benchmark"}, token)
        return quote["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(accepted_quote, range(COUNT)))
    with open(OUT, "w") as out:
        out.write("\n".join(ids) + "\n")
    print(json.dumps({"token": token, "quotes": len(ids)}))


if __name__ == "__main__":
    main()
