import Foundation
import Testing

/// A small day of business for the reporting tests: STK requests in every
/// state, written as the sender would, and callbacks POSTed to the daemon
/// that answer some of them, fail, come from nowhere or break the rules.
///
/// The requests were started on 15 March 2026 between 10:00 and 10:30
/// Kenyan time, except `fresh`, started now.
enum FinanceSamples {
    /// A marker that appears only inside the rejected body.
    static let rejectedBodyMarker = "MARKER-rejected-x7q"

    /// Inserts the requests and POSTs the callbacks; every answer is checked.
    static func record(on daemon: DaemonProcess, in database: TestDatabase) async throws {
        try insertRequests(into: database)

        let answered = [
            CallbackBodies.success(
                checkoutRequestID: "ws_CO_fin_paid", receipt: "UC3PAID001", amount: "1500.00",
                transactionDate: "20260315100130"),
            CallbackBodies.failure(checkoutRequestID: "ws_CO_fin_cancel"),
            CallbackBodies.success(
                checkoutRequestID: "ws_CO_fin_stranger", receipt: "UC3STRANGE", amount: "99.99",
                transactionDate: "20260315110000"),
            failure(checkoutRequestID: "ws_CO_fin_operator", resultCode: #""SFC_IC0003""#),
            failure(checkoutRequestID: "ws_CO_fin_odd", resultCode: "4242"),
        ]
        for body in answered {
            try await expectAnswer(200, to: body, on: daemon)
        }
        // A numeric string is not a ResultCode: the body is rejected.
        let rejected = Data(
            """
            {"Body":{"stkCallback":{"MerchantRequestID":"\(rejectedBodyMarker)",\
            "CheckoutRequestID":"ws_CO_fin_rejected","ResultCode":"0","ResultDesc":"ok"}}}
            """.utf8)
        try await expectAnswer(400, to: rejected, on: daemon)
    }

    private static func insertRequests(into database: TestDatabase) throws {
        let requests: [(id: String, state: String, amount: String, minute: String)] = [
            ("ws_CO_fin_paid", "accepted", "1500.00", "00"),
            ("ws_CO_fin_cancel", "accepted", "500.00", "05"),
            ("ws_CO_fin_unknown", "unknown", "200.00", "10"),
            ("ws_CO_fin_stale", "accepted", "50.00", "20"),
            ("ws_CO_fin_refused", "refused", "70.00", "25"),
        ]
        for (index, request) in requests.enumerated() {
            try StkRequestRows.insert(
                into: database, checkoutRequestID: request.id, state: request.state,
                amount: request.amount, accountReference: "INV-\(2041 + index)",
                description: "Invoice \(2041 + index)",
                createdAt: startTime(minute: request.minute))
        }
        try StkRequestRows.insert(
            into: database, checkoutRequestID: "ws_CO_fin_querypaid",
            state: "paid_without_callback", amount: "300.00",
            createdAt: startTime(minute: "15"), settledBy: "query", resultCode: "0")
        try StkRequestRows.insert(
            into: database, checkoutRequestID: "ws_CO_fin_queryfail", state: "failed",
            amount: "80.00", createdAt: startTime(minute: "30"), settledBy: "query",
            resultCode: "1037")
        try StkRequestRows.insert(
            into: database, checkoutRequestID: "ws_CO_fin_fresh", amount: "60.00")
    }

    /// A start time on 15 March 2026 at 10:`minute` Kenyan time.
    private static func startTime(minute: String) -> String {
        "2026-03-15 10:\(minute):00+03"
    }

    /// A failure whose `ResultCode` is written as `resultCode` (JSON text).
    private static func failure(checkoutRequestID: String, resultCode: String) -> Data {
        Data(
            """
            {"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-3",\
            "CheckoutRequestID":"\(checkoutRequestID)","ResultCode":\(resultCode),\
            "ResultDesc":"The request failed"}}}
            """.utf8)
    }
}

/// POSTs `body` to the daemon's callback URL and requires `status`.
func expectAnswer(
    _ status: Int, to body: Data, on daemon: DaemonProcess,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let response = try await HTTPClient.shared.post(daemon.callbackURL, body)
    try #require(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
}
