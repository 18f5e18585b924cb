import Foundation
import Testing

/// The references between callbacks, payments and STK requests hold without
/// foreign keys (migration 6): after successes, failures, repeats, a second
/// receipt and callbacks for no recorded push, sent at once, every reference
/// names a row that exists and agrees with it.
@Suite struct ReferenceTests {
    @Test func everyReferenceNamesARowThatExistsAndAgreesWithIt() async throws {
        try await withDaemon { daemon, database in
            let requests = 24
            for index in 0..<requests {
                try StkRequestRows.insert(
                    into: database, checkoutRequestID: CallbackBodies.checkoutID(index, run: "R"))
            }
            var bodies: [Data] = []
            for index in 0..<(requests + 8) {
                let checkout = CallbackBodies.checkoutID(index, run: "R")
                bodies.append(
                    index.isMultiple(of: 2)
                        ? CallbackBodies.success(
                            checkoutRequestID: checkout, receipt: CallbackBodies.receipt(index))
                        : CallbackBodies.failure(checkoutRequestID: checkout))
            }
            // A repeat of a success, and a second receipt for a paid checkout.
            bodies.append(bodies[0])
            bodies.append(
                CallbackBodies.success(
                    checkoutRequestID: CallbackBodies.checkoutID(2, run: "R"),
                    receipt: CallbackBodies.receipt(1000)))
            try await withThrowingTaskGroup(of: Int.self) { group in
                for body in bodies {
                    group.addTask {
                        try await HTTPClient.shared.post(daemon.callbackURL, body).status
                    }
                }
                for try await status in group {
                    #expect(status == 200)
                }
            }

            // What was written: every push settled by its callback, a payment
            // for each even one and each even unmatched one, nothing twice.
            #expect(try database.count("mpesa.callbacks") == bodies.count)
            #expect(
                try database.count("mpesa.stk_requests", where: "callback_id IS NOT NULL")
                    == requests)
            #expect(try database.count("mpesa.payments") == (requests + 8) / 2)
            #expect(
                try database.count("mpesa.payments", where: "stk_request_id IS NOT NULL")
                    == requests / 2)
            #expect(
                try database.count("mpesa.callbacks", where: "stk_request_id IS NOT NULL")
                    == requests + 2)

            // Each reference names a row that exists.
            for (table, column, target) in [
                ("mpesa.payments", "callback_id", "mpesa.callbacks"),
                ("mpesa.payments", "stk_request_id", "mpesa.stk_requests"),
                ("mpesa.callbacks", "stk_request_id", "mpesa.stk_requests"),
                ("mpesa.stk_requests", "callback_id", "mpesa.callbacks"),
            ] {
                #expect(
                    try database.count(
                        table,
                        where: "\(column) IS NOT NULL AND NOT EXISTS "
                            + "(SELECT FROM \(target) t WHERE t.id = \(table).\(column))") == 0,
                    "\(table).\(column)")
            }
            // And agrees with it: the same checkout, receipt and request.
            #expect(
                try database.count(
                    "mpesa.payments p JOIN mpesa.callbacks c ON c.id = p.callback_id",
                    where: "c.checkout_request_id <> p.checkout_request_id "
                        + "OR c.mpesa_receipt_number <> p.mpesa_receipt_number "
                        + "OR c.stk_request_id IS DISTINCT FROM p.stk_request_id") == 0)
            #expect(
                try database.count(
                    "mpesa.stk_requests r JOIN mpesa.callbacks c ON c.id = r.callback_id",
                    where:
                        "c.stk_request_id <> r.id OR c.checkout_request_id <> r.checkout_request_id"
                )
                    == 0)
        }
    }
}
