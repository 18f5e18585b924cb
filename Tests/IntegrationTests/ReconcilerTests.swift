import Foundation
import Testing

/// The reconciler: pushes whose callback never came are settled by the STK
/// query, gently, and never queried twice at once by two daemons.
@Suite struct ReconcilerTests {
    /// Reconcile quickly, so that a test sees several passes in seconds.
    static let quick = [
        "MPESA_RECONCILE_AFTER": "1s", "MPESA_RECONCILE_INTERVAL": "200ms",
        "MPESA_RECONCILE_RETRY_DELAY": "300ms",
    ]

    private func reconciled(
        _ daemon: DaemonProcess, _ checkoutRequestID: String, settled: Bool = true
    ) async throws -> String {
        try await daemon.logs.first(timeout: .seconds(30)) { line in
            LogLines.message(of: line) == "push reconciled"
                && LogLines.field("checkout_request_id", of: line) == checkoutRequestID
                && LogLines.field("settled", of: line) == (settled ? "true" : "false")
        }
    }

    @Test func lostCallbacksAreSettledByTheQueryWithoutInventingPayments() async throws {
        try await withSenderStack(
            simulatorArguments: ["--callback-delay", "300ms"], daemonEnvironment: Self.quick
        ) { stack in
            let paid = try await stack.push(phone: "0700009990", reference: "LOST1")
            let cancelled = try await stack.push(phone: "0700009993", reference: "LOST2")
            let paidID = try #require(paid.request["checkout_request_id"]?.stringValue)
            let cancelledID = try #require(cancelled.request["checkout_request_id"]?.stringValue)

            _ = try await reconciled(stack.daemon, paidID)
            _ = try await reconciled(stack.daemon, cancelledID)

            let rows = try stack.database.connect().execute(
                """
                SELECT checkout_request_id, state, result_code, settled_by
                FROM mpesa.stk_requests WHERE checkout_request_id IN ($1, $2)
                ORDER BY checkout_request_id = $1 DESC
                """, [.text(paidID), .text(cancelledID)]
            ).rows
            #expect(rows[0] == [paidID, "paid_without_callback", "0", "query"])
            #expect(rows[1] == [cancelledID, "failed", "1032", "query"])
            // The query carries no receipt: no payment is made up.
            #expect(try stack.database.count("mpesa.payments") == 0)
            #expect(try stack.database.count("mpesa.callbacks") == 0)
            // Finance sees the paid one, which needs a person.
            #expect(
                try stack.database.count(
                    "mpesa.needs_review", where: "checkout_request_id = $1", [.text(paidID)]) == 1)
            let metrics = try await HTTPClient.shared.get(stack.daemon.adminURL("/metrics")).text
            #expect(
                metrics.contains(
                    #"mpesa_reconciliation_queries_total{result="paid_without_callback"} 1"#))
            #expect(metrics.contains(#"mpesa_reconciliation_queries_total{result="failed"} 1"#))
        }
    }

    @Test func noAnswerYetIsAskedAgainLater() async throws {
        // The simulated customer answers after 3 s; the reconciler starts
        // asking at once, so its first answers are "still processing".
        var environment = Self.quick
        environment["MPESA_RECONCILE_AFTER"] = "0s"
        try await withSenderStack(
            simulatorArguments: ["--callback-delay", "3s"], daemonEnvironment: environment
        ) { stack in
            let pushed = try await stack.push(phone: "0700009990", reference: "LATE1")
            let id = try #require(pushed.request["checkout_request_id"]?.stringValue)

            _ = try await reconciled(stack.daemon, id, settled: false)
            _ = try await reconciled(stack.daemon, id)
            let attempts = try stack.database.scalar(
                "SELECT query_attempts FROM mpesa.stk_requests WHERE checkout_request_id = $1",
                [.text(id)])
            #expect((Int(attempts ?? "") ?? 0) >= 2)
            #expect(try stack.request(id).state == "paid_without_callback")
        }
    }

    @Test func aCallbackBeforeTheQuerySettlesAndTheReconcilerLeavesItAlone() async throws {
        var environment = Self.quick
        environment["MPESA_LOG_LEVEL"] = "debug"
        try await withSenderStack(
            simulatorArguments: ["--callback-delay", "200ms"], daemonEnvironment: environment
        ) { stack in
            let pushed = try await stack.push(phone: "0708374149", reference: "CB1")
            let id = try #require(pushed.request["checkout_request_id"]?.stringValue)
            try await stack.simulator.callbackDelivered(id)
            // Passes after the request became due go by without asking about it.
            let mark = stack.daemon.logs.all.count
            for _ in 0..<8 {
                _ = try await stack.daemon.logs.first(
                    from: stack.daemon.logs.all.count, timeout: .seconds(10)
                ) { LogLines.message(of: $0) == "reconciliation pass" }
            }
            #expect(
                !stack.daemon.logs.all.dropFirst(mark).contains {
                    LogLines.message(of: $0) == "push reconciled"
                })
            #expect(
                !stack.simulator.logs.all.contains {
                    LogLines.message(of: $0) == "stk query answered"
                })
            #expect(try stack.request(id).state == "paid")
        }
    }

    /// A callback that came before the sender had written Daraja's answer
    /// found no request to settle; the reconciler settles the request from
    /// it, as the callback decided, and asks the STK query nothing.
    @Test func aCallbackThatCameBeforeTheAnswerSettlesItsRequestWithoutAQuery() async throws {
        try await withSenderStack(daemonEnvironment: Self.quick) { stack in
            let paid = CallbackBodies.success(
                checkoutRequestID: "ws_CO_early_paid", receipt: "UE4RLY0001")
            let cancelled = CallbackBodies.failure(checkoutRequestID: "ws_CO_early_cancelled")
            for body in [paid, cancelled] {
                #expect(
                    try await HTTPClient.shared.post(stack.daemon.callbackURL, body).status == 200)
            }
            // Only now does the sender write Daraja's answer.
            for checkout in ["ws_CO_early_paid", "ws_CO_early_cancelled"] {
                _ = try StkRequestRows.insert(
                    into: stack.database, checkoutRequestID: checkout, state: "accepted")
            }

            for (checkout, state) in [
                ("ws_CO_early_paid", "paid"), ("ws_CO_early_cancelled", "failed"),
            ] {
                let line = try await stack.daemon.logs.first(timeout: .seconds(30)) { line in
                    LogLines.message(of: line) == "push settled from an earlier callback"
                        && LogLines.field("checkout_request_id", of: line) == checkout
                }
                #expect(LogLines.field("state", of: line) == state)
            }
            let rows = try stack.database.connect().execute(
                """
                SELECT r.checkout_request_id, r.state, r.result_code, r.settled_by,
                    r.callback_id = c.id
                FROM mpesa.stk_requests r JOIN mpesa.callbacks c USING (checkout_request_id)
                ORDER BY r.checkout_request_id
                """
            ).rows
            #expect(
                rows == [
                    ["ws_CO_early_cancelled", "failed", "1032", "callback", "t"],
                    ["ws_CO_early_paid", "paid", "0", "callback", "t"],
                ])
            #expect(
                !stack.simulator.logs.all.contains { line in
                    LogLines.message(of: line) == "stk query answered"
                })
        }
    }

    @Test func twoDaemonsOnOneDatabaseNeverQueryTheSameRequestTwice() async throws {
        try await withSenderStack(
            simulatorArguments: ["--callback-delay", "200ms"], daemonEnvironment: Self.quick
        ) { stack in
            let second = try await stack.startAnotherDaemon()
            defer { second.stop() }

            var ids: [String] = []
            for index in 0..<8 {
                let pushed = try await stack.push(phone: "0700009990", reference: "TWO\(index)")
                ids.append(try #require(pushed.request["checkout_request_id"]?.stringValue))
            }
            try await waitUntil("every lost callback is reconciled") {
                try stack.database.count(
                    "mpesa.stk_requests", where: "state = 'paid_without_callback'") == ids.count
            }

            // Each request was asked about once, by one of the two daemons.
            let queries = stack.simulator.logs.all
                .filter { LogLines.message(of: $0) == "stk query answered" }
                .compactMap { LogLines.field("checkout_request_id", of: $0) }
            #expect(queries.sorted() == ids.sorted())
            let settledBy = (stack.daemon.logs.all + second.logs.all)
                .filter { LogLines.message(of: $0) == "push reconciled" }
                .compactMap { LogLines.field("checkout_request_id", of: $0) }
            #expect(settledBy.sorted() == ids.sorted())
        }
    }
}
