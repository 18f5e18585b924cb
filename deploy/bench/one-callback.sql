-- pgbench script for deploy/bench/run: what one callback costs when it is
-- written in a transaction of its own, as a typical integration does. 70%
-- successes (a callback row and a payment row), 30% failures (a callback
-- row), with the same columns, indexes and constraints the daemon writes.
\set n random(1, 2000000000)
\set kind random(1, 10)
BEGIN;
WITH cb AS (
    INSERT INTO mpesa.callbacks (
        delivery_id, received_at, source_address, merchant_request_id, checkout_request_id,
        result_code, result_desc, amount, mpesa_receipt_number, transaction_time,
        phone_number, body)
    SELECT gen_random_uuid(), now(), '196.201.214.200', '29115-' || :n || '-1',
        'ws_CO_pg_' || gen_random_uuid(),
        CASE WHEN :kind <= 7 THEN '0' ELSE '1032' END,
        'The service request is processed successfully.',
        CASE WHEN :kind <= 7 THEN 100.25 END,
        CASE WHEN :kind <= 7 THEN 'P' || lpad(upper(to_hex(nextval('bench_receipts'))), 9, '0') END,
        CASE WHEN :kind <= 7 THEN now() END,
        CASE WHEN :kind <= 7 THEN '254708374149' END,
        convert_to(repeat('x', CASE WHEN :kind <= 7 THEN 600 ELSE 250 END), 'UTF8')
    RETURNING id, checkout_request_id, merchant_request_id, mpesa_receipt_number, amount,
        phone_number, transaction_time, result_code
)
INSERT INTO mpesa.payments (
    callback_id, checkout_request_id, merchant_request_id, mpesa_receipt_number, amount,
    phone_number, transaction_time)
SELECT id, checkout_request_id, merchant_request_id, mpesa_receipt_number, amount,
    phone_number, transaction_time
FROM cb WHERE result_code = '0';
COMMIT;
