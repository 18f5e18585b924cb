extension Migration {
    /// The receiver's tables: every delivery, every payment once, every
    /// rejected body, and the STK requests that callbacks settle.
    static let initial = Migration(
        version: 1, name: "receiver tables",
        sql: """
            CREATE SCHEMA IF NOT EXISTS mpesa;

            CREATE TABLE mpesa.stk_requests (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                merchant_request_id text,
                checkout_request_id text UNIQUE,
                phone_number text NOT NULL,
                amount numeric(14, 2) NOT NULL CHECK (amount > 0),
                account_reference text NOT NULL,
                transaction_description text NOT NULL,
                business_short_code text NOT NULL,
                party_b text NOT NULL,
                transaction_type text NOT NULL,
                state text NOT NULL DEFAULT 'sending' CHECK (state IN (
                    'sending', 'accepted', 'refused', 'unknown', 'paid', 'failed',
                    'paid_without_callback')),
                error_code text,
                error_message text,
                result_code text,
                result_desc text,
                callback_id bigint,
                settled_at timestamptz,
                settled_by text CHECK (settled_by IN ('callback', 'query')),
                query_attempts integer NOT NULL DEFAULT 0,
                next_query_at timestamptz,
                query_lease_until timestamptz,
                last_query_result text
            );
            COMMENT ON TABLE mpesa.stk_requests IS
                'One row per STK push the sender started, recorded before it is sent.';
            COMMENT ON COLUMN mpesa.stk_requests.state IS
                'sending: recorded, not yet answered; accepted: Daraja took it, no result yet; '
                'refused: Daraja refused it (error_code, error_message); unknown: no answer '
                'after sending, never retried; paid, failed: settled by a callback or by the '
                'STK query; paid_without_callback: the query says paid but no callback came.';
            CREATE INDEX stk_requests_state_idx ON mpesa.stk_requests (state, created_at);

            CREATE TABLE mpesa.callbacks (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                delivery_id uuid NOT NULL UNIQUE,
                received_at timestamptz NOT NULL,
                recorded_at timestamptz NOT NULL DEFAULT now(),
                source_address inet,
                merchant_request_id text NOT NULL,
                checkout_request_id text NOT NULL,
                result_code text NOT NULL,
                result_desc text NOT NULL,
                amount numeric(14, 2),
                mpesa_receipt_number text,
                transaction_time timestamptz,
                phone_number text,
                stk_request_id bigint REFERENCES mpesa.stk_requests (id),
                review_reason text,
                body bytea NOT NULL,
                CHECK ((result_code = '0') = (mpesa_receipt_number IS NOT NULL))
            );
            COMMENT ON TABLE mpesa.callbacks IS
                'One row per callback delivery that passed validation, repeats included.';
            CREATE INDEX callbacks_checkout_request_id_idx
                ON mpesa.callbacks (checkout_request_id);

            ALTER TABLE mpesa.stk_requests ADD FOREIGN KEY (callback_id)
                REFERENCES mpesa.callbacks (id);

            CREATE TABLE mpesa.payments (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                callback_id bigint NOT NULL UNIQUE REFERENCES mpesa.callbacks (id),
                recorded_at timestamptz NOT NULL DEFAULT now(),
                checkout_request_id text NOT NULL UNIQUE,
                merchant_request_id text NOT NULL,
                mpesa_receipt_number text NOT NULL UNIQUE,
                amount numeric(14, 2) NOT NULL CHECK (amount > 0),
                phone_number text,
                transaction_time timestamptz NOT NULL,
                stk_request_id bigint REFERENCES mpesa.stk_requests (id),
                review_reason text
            );
            COMMENT ON TABLE mpesa.payments IS
                'Each successful payment once: unique on checkout request id and on receipt.';

            CREATE TABLE mpesa.rejected_callbacks (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                delivery_id uuid NOT NULL UNIQUE,
                received_at timestamptz NOT NULL,
                recorded_at timestamptz NOT NULL DEFAULT now(),
                source_address inet,
                kind text NOT NULL,
                reason text NOT NULL,
                body bytea NOT NULL
            );
            COMMENT ON TABLE mpesa.rejected_callbacks IS
                'One row per callback body that failed validation, kept byte for byte.';
            """)
}
