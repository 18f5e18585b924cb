import CallbackStore
import Foundation
import Testing

/// A batch that the database refuses is tried again one delivery at a time,
/// so that one row it will not take cannot fail its batch-mates.
@Suite struct RecorderRetryTests {
    @Test func aRefusedRowFailsAloneAndItsBatchMatesAreRecorded() async throws {
        let database = try TestDatabase()
        defer { database.drop() }
        let harness = try await RecorderHarness(database: database)
        defer { harness.stop() }
        // A rule of the database's own that this one callback breaks.
        _ = try database.connect().execute(
            "ALTER TABLE mpesa.callbacks ADD CONSTRAINT refuse_one "
                + "CHECK (checkout_request_id <> 'ws_CO_refused')")

        let checkouts = ["ws_CO_first", "ws_CO_a", "ws_CO_refused", "ws_CO_b", "ws_CO_c"]
        let results = await harness.results(
            ofOneTurn: checkouts.enumerated().map { index, checkout in
                CallbackBodies.success(
                    checkoutRequestID: checkout, receipt: CallbackBodies.receipt(index))
            })

        // The first went alone; the other four were refused together, then
        // each went alone: three commits, and the refused one failed.
        #expect(harness.committedBatchSizes == [1, 1, 1, 1])
        for (checkout, result) in zip(checkouts, results) {
            switch result {
            case .success(let recorded):
                #expect(checkout != "ws_CO_refused")
                #expect(recorded.isNewDelivery && recorded.addedPayment)
            case .failure(.refused(let error)):
                #expect(checkout == "ws_CO_refused")
                #expect(error.sqlState == "23514")
            case .failure(let failure):
                Issue.record("\(checkout): \(failure)")
            }
        }
        #expect(try database.count("mpesa.callbacks") == 4)
        #expect(try database.count("mpesa.payments") == 4)
    }
}
