#!/usr/bin/env python3
"""Writes the SQL scripts that deploy/bench/statement feeds to a single-user
PostgreSQL backend: the batch statement of CallbackStatements.swift, prepared
once, then BATCHES transactions that each execute it for BATCH_SIZE
callbacks (70% successes with full metadata, 30% cancellations, every id
unique and the same on every run), and commit.

    statement-batches.py SWIFT_FILE OUT_FILE FIRST_BATCH BATCHES BATCH_SIZE [FIRST COUNT]...

The statement's text is read from the Swift file, so the scripts follow the
code; its two interpolated reasons are filled in from the same file.
Each further FIRST COUNT pair makes the script first record an accepted push
in mpesa.stk_requests for every callback of batches FIRST to FIRST+COUNT-1,
as the sender does before Daraja calls back.
"""
import hashlib
import re
import sys


def statement_sql(swift_source):
    reasons = {}
    for name, text in re.findall(
            r'static let (\w+) =\s*((?:"[^"]*"\s*\+?\s*)+)\n', swift_source):
        reasons[name] = "".join(re.findall(r'"([^"]*)"', text))
    match = re.search(r'name: "record_callbacks",\s*sql: """\n(.*?)"""', swift_source, re.S)
    if match is None:
        sys.exit("statement-batches: record_callbacks not found")
    sql = re.sub(r"\\\((\w+)\)", lambda m: reasons[m.group(1)], match.group(1))
    return sql.rstrip()


def array(values, sql_type):
    items = ("NULL" if v is None else '"%s"' % v for v in values)
    return "'{%s}'::%s[]" % (",".join(items), sql_type)


def checkout(number, position):
    return f"ws_CO_{number:08d}{position:04d}"


def merchant(number, position):
    return f"29115-{number}-{position}"


def requests(first, count, size):
    """One INSERT of an accepted push per callback of batches first..first+count-1."""
    return f"""INSERT INTO mpesa.stk_requests (merchant_request_id, checkout_request_id,
    phone_number, amount, account_reference, transaction_description,
    business_short_code, party_b, transaction_type, state)
SELECT '29115-' || b || '-' || p, 'ws_CO_' || lpad(b::text, 8, '0') || lpad(p::text, 4, '0'),
    '254708374149', 100.00, 'INV' || b, 'Order', '174379', '174379',
    'CustomerPayBillOnline', 'accepted'
FROM generate_series({first}, {first + count - 1}) AS b, generate_series(1, {size}) AS p;

"""


def batch(number, size):
    positions = range(1, size + 1)
    success = [p % 10 < 7 for p in positions]

    def digest(text):
        return hashlib.md5(text.encode()).hexdigest()

    def when_paid(values):
        return [v if s else None for v, s in zip(values, success)]

    body = "\\\\x" + "7b" * 340
    columns = [
        array([digest(f"{number}-{p}") for p in positions], "uuid"),
        array([1700000000000000 + number * 1000 + p for p in positions], "int8"),
        array(["196.201.214.200"] * size, "text"),
        array([merchant(number, p) for p in positions], "text"),
        array([checkout(number, p) for p in positions], "text"),
        array(["0" if s else "1032" for s in success], "text"),
        array(["The service request is processed successfully."] * size, "text"),
        array([10000] * size, "int8"),
        array(when_paid([digest(f"r{number}-{p}")[:10].upper() for p in positions]), "text"),
        array(when_paid([1700000000] * size), "int8"),
        array(when_paid(["254708374149"] * size), "text"),
        array([body] * size, "bytea"),
        array([None] * size, "text"),
        array([None] * size, "text"),
    ]
    return "BEGIN;\n\nEXECUTE record(" + ", ".join(columns) + ");\n\nCOMMIT;\n\n"


def main():
    swift_file, out_file, first, count, size = sys.argv[1:6]
    sql = statement_sql(open(swift_file).read())
    with open(out_file, "w") as out:
        ranges = sys.argv[6:]
        for index in range(0, len(ranges) - 1, 2):
            out.write(requests(int(ranges[index]), int(ranges[index + 1]), int(size)))
        out.write("PREPARE record AS " + sql + ";\n\n")
        for number in range(int(first), int(first) + int(count)):
            out.write(batch(number, int(size)))


main()
