import Foundation
import MpesaCore
import Testing

/// `POST /v1/reviews/{kind}/{id}/resolve` and migration 9: an item marked
/// as dealt with leaves `mpesa.needs_review`, for the reason it was listed
/// for, and stays on record in `mpesa.resolved_reviews`.
@Suite struct ReviewResolutionTests {
    static let adminToken = "test-admin-token-review-0123456789abcdefgh"

    private func resolve(
        _ daemon: DaemonProcess, _ path: String, _ body: String,
        token: String? = ReviewResolutionTests.adminToken
    ) async throws -> HTTPClient.Response {
        try await HTTPClient.shared.send(
            "POST", daemon.adminURL("/v1/reviews/" + path), body: Data(body.utf8),
            headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:])
    }

    private func listed(_ database: TestDatabase, _ kind: String, _ id: String) throws -> Int {
        try database.count(
            "mpesa.needs_review", where: "kind = $1 AND id = $2::bigint", [.text(kind), .text(id)])
    }

    @Test func aResolvedItemLeavesTheListAndStaysOnRecord() async throws {
        try await withDaemon(environment: ["MPESA_ADMIN_TOKEN": Self.adminToken]) {
            daemon, database in
            let rejected = try await HTTPClient.shared.post(daemon.callbackURL, Data("[]".utf8))
            #expect(rejected.status == 400)
            let id = try #require(
                try database.scalar("SELECT id::text FROM mpesa.rejected_callbacks"))
            #expect(try listed(database, "rejected_callback", id) == 1)

            let note = "A probe from our own monitoring; nothing to do."
            let made = try await resolve(
                daemon, "rejected_callback/\(id)/resolve", #"{"note":"\#(note)"}"#)
            #expect(made.status == 201, "\(made.text)")
            let resolution = try jsonObject(made.text)
            #expect(resolution["kind"]?.stringValue == "rejected_callback")
            #expect(resolution["id"] == .number(try #require(JSONNumber(text: id))))
            #expect(resolution["note"]?.stringValue == note)
            #expect(resolution["reason"]?.stringValue?.hasPrefix("callback body rejected") == true)
            let resolvedAt = try #require(resolution["resolved_at"]?.stringValue)
            #expect(resolvedAt.hasSuffix("Z"))

            #expect(try listed(database, "rejected_callback", id) == 0)
            #expect(
                try database.scalar(
                    "SELECT note FROM mpesa.resolved_reviews WHERE id = $1::bigint",
                    [.text(id)]) == note)
            #expect(
                daemon.logs.all.contains {
                    LogLines.message(of: $0) == "review item resolved"
                        && LogLines.field("item_id", of: $0) == id
                })

            // Asked again: the same resolution, not a second one.
            let again = try await resolve(
                daemon, "rejected_callback/\(id)/resolve", #"{"note":"once more"}"#)
            #expect(again.status == 200)
            #expect(try jsonObject(again.text)["resolved_at"]?.stringValue == resolvedAt)
            #expect(try jsonObject(again.text)["note"]?.stringValue == note)
            #expect(try database.count("mpesa.review_resolutions") == 1)
        }
    }

    @Test func anItemListedAgainForAnotherReasonComesBack() async throws {
        try await withDaemon(environment: ["MPESA_ADMIN_TOKEN": Self.adminToken]) {
            daemon, database in
            let id = try StkRequestRows.insert(
                into: database, checkoutRequestID: "ws_CO_review_1", state: "unknown")
            let first = try await resolve(
                daemon, "stk_request/\(id)/resolve", #"{"note":"Customer says no prompt came."}"#)
            #expect(first.status == 201, "\(first.text)")
            #expect(try listed(database, "stk_request", id) == 0)

            // The reconciler later finds it paid without a callback: a new
            // reason, which nobody has looked at yet.
            try database.connect().execute(
                "UPDATE mpesa.stk_requests SET state = 'paid_without_callback' WHERE id = $1::bigint",
                [.text(id)])
            #expect(try listed(database, "stk_request", id) == 1)
            let second = try await resolve(
                daemon, "stk_request/\(id)/resolve", #"{"note":"Receipt found in the statement."}"#)
            #expect(second.status == 201)
            #expect(try listed(database, "stk_request", id) == 0)
            #expect(
                try database.count("mpesa.resolved_reviews", where: "id = $1::bigint", [.text(id)])
                    == 2)
        }
    }

    @Test func whatCannotBeResolvedIsRefusedAndNothingIsRecorded() async throws {
        try await withDaemon(environment: ["MPESA_ADMIN_TOKEN": Self.adminToken]) {
            daemon, database in
            _ = try await HTTPClient.shared.post(daemon.callbackURL, Data("{}".utf8))
            let id = try #require(
                try database.scalar("SELECT id::text FROM mpesa.rejected_callbacks"))
            let path = "rejected_callback/\(id)/resolve"

            let refused: [(String, String, Int, String?)] = [
                (path, "{}", 400, "note: must be a string"),
                (
                    path, #"{"note":"   "}"#, 400,
                    "note: must say what was done, in 1 to 1000 characters"
                ),
                (path, #"{"note":"ok","by":"me"}"#, 400, "by: unknown field"),
                (path, #"{"note":"\#(String(repeating: "x", count: 1_001))"}"#, 400, nil),
                (path, #"{"note":"a\u0000b"}"#, 400, "note: must not contain U+0000"),
                (path, "not json", 400, "body is not one JSON object"),
                ("rejected_callback/\(id)", #"{"note":"ok"}"#, 404, nil),
                ("refund/\(id)/resolve", #"{"note":"ok"}"#, 404, nil),
                ("rejected_callback/0/resolve", #"{"note":"ok"}"#, 404, nil),
                ("rejected_callback/999999/resolve", #"{"note":"ok"}"#, 404, nil),
                ("payment/\(id)/resolve", #"{"note":"ok"}"#, 404, nil),
            ]
            for (path, body, status, reason) in refused {
                let response = try await resolve(daemon, path, body)
                #expect(response.status == status, "\(path) \(body): \(response.text)")
                if let reason {
                    #expect(try jsonObject(response.text)["reason"]?.stringValue == reason)
                }
            }
            let withoutToken = try await resolve(daemon, path, #"{"note":"ok"}"#, token: nil)
            #expect(withoutToken.status == 401)

            #expect(try database.count("mpesa.review_resolutions") == 0)
            #expect(try listed(database, "rejected_callback", id) == 1)
        }
    }
}
