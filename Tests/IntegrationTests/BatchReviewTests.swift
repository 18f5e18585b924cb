import Foundation
import Testing

/// The review flags inside one transaction, where the order of the batch
/// and the payments already stored must agree on whose receipt is whose.
@Suite struct BatchReviewTests {
    private func success(_ checkout: String, _ receipt: String) -> Data {
        CallbackBodies.success(checkoutRequestID: checkout, receipt: receipt)
    }

    private func reviewReasons(in database: TestDatabase) throws -> [String: [String]] {
        let rows = try database.connect().execute(
            """
            SELECT checkout_request_id || '/' || mpesa_receipt_number,
                coalesce(review_reason, 'none')
            FROM mpesa.callbacks ORDER BY id
            """
        ).rows
        return Dictionary(grouping: rows, by: { $0[0] ?? "" }).mapValues { $0.map { $0[1] ?? "" } }
    }

    @Test func aBatchFlagsReusedAndSecondReceiptsWithoutFlaggingARepeat() async throws {
        let database = try TestDatabase()
        defer { database.drop() }
        let harness = try await RecorderHarness(database: database)
        defer { harness.stop() }

        try await harness.recordInOneTurn([success("ws_CO_A", "UA000000R1")])
        try await harness.recordInOneTurn([
            CallbackBodies.failure(checkoutRequestID: "ws_CO_filler"),
            // Another checkout with A's receipt, ahead of a repeat of A itself.
            success("ws_CO_B", "UA000000R1"),
            success("ws_CO_A", "UA000000R1"),
            success("ws_CO_A", "UA000000R2"),
            // A checkout and receipt new to the database, then each reused.
            success("ws_CO_C", "UA000000R3"),
            success("ws_CO_C", "UA000000R4"),
            success("ws_CO_D", "UA000000R3"),
        ])
        #expect(harness.committedBatchSizes == [1, 1, 6])
        // Each flag below comes from the batch's own statement, which knows
        // the batch's order; only the repeat of A, which adds nothing and
        // stays unflagged, is checked again after the batch.
        #expect(harness.rechecked == 1)

        let reused =
            "MpesaReceiptNumber is already recorded for another CheckoutRequestID; "
            + "no payment was added"
        let second =
            "a payment with another MpesaReceiptNumber is already recorded for this "
            + "CheckoutRequestID; no payment was added"
        let reasons = try reviewReasons(in: database)
        #expect(reasons["ws_CO_A/UA000000R1"] == ["none", "none"])
        #expect(reasons["ws_CO_B/UA000000R1"] == [reused])
        #expect(reasons["ws_CO_A/UA000000R2"] == [second])
        #expect(reasons["ws_CO_C/UA000000R3"] == ["none"])
        #expect(reasons["ws_CO_C/UA000000R4"] == [second])
        #expect(reasons["ws_CO_D/UA000000R3"] == [reused])
        let payments = try database.connect().execute(
            "SELECT checkout_request_id, mpesa_receipt_number FROM mpesa.payments ORDER BY id"
        ).rows
        #expect(payments == [["ws_CO_A", "UA000000R1"], ["ws_CO_C", "UA000000R3"]])
    }

    /// A check that failed in a way that may pass (a serialization failure,
    /// like a lost connection) is made again after the next committed batch;
    /// one the server refused for good (insufficient privilege) is not, or
    /// it would fail again after every batch.
    @Test(arguments: [("40001", true), ("42501", false)])
    func aCheckThatFailedIsMadeAgainAfterTheNextCommittedBatchIfItMayPass(
        sqlState: String, isMadeAgain: Bool
    ) async throws {
        let database = try TestDatabase()
        defer { database.drop() }
        let harness = try await RecorderHarness(database: database)
        defer { harness.stop() }
        try await harness.recordInOneTurn([success("ws_CO_X", "UA000000R1")])

        // The check after a batch is the only statement that updates
        // mpesa.callbacks: while the switch is on, it fails with a conflict
        // that may pass (SQLSTATE 40001), as a failure of the server between
        // the batch's commit and the check may.
        try database.connect().execute(
            script: """
                CREATE TABLE public.check_switch (fail boolean NOT NULL, sqlstate text NOT NULL);
                INSERT INTO public.check_switch VALUES (true, '\(sqlState)');
                CREATE FUNCTION public.fail_check() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF (SELECT fail FROM public.check_switch) THEN
                        RAISE EXCEPTION 'the check is made to fail by the test'
                            USING ERRCODE = (SELECT sqlstate FROM public.check_switch);
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER fail_check BEFORE UPDATE ON mpesa.callbacks
                    FOR EACH STATEMENT EXECUTE FUNCTION public.fail_check();
                """)
        // A second delivery of X's success adds no payment and is checked
        // after its batch; the check fails and the delivery is answered.
        try await harness.recordInOneTurn([success("ws_CO_X", "UA000000R1")])
        #expect(harness.rechecked == 1)

        // As if a transaction beside that batch had paid X with another
        // receipt: now the second delivery is one a person must look at.
        try database.connect().execute(
            script: """
                UPDATE mpesa.payments SET mpesa_receipt_number = 'UA000000R9'
                WHERE checkout_request_id = 'ws_CO_X';
                UPDATE public.check_switch SET fail = false;
                """)
        #expect(try reviewReasons(in: database)["ws_CO_X/UA000000R1"] == ["none", "none"])

        // The next batch to commit, though it needs no check of its own,
        // brings the failed one along, if it may pass.
        try await harness.recordInOneTurn([
            CallbackBodies.failure(checkoutRequestID: "ws_CO_filler")
        ])
        let second =
            "a payment with another MpesaReceiptNumber is already recorded for this "
            + "CheckoutRequestID; no payment was added"
        #expect(
            try reviewReasons(in: database)["ws_CO_X/UA000000R1"]
                == ["none", isMadeAgain ? second : "none"])
    }
}
