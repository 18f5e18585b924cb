import CallbackStore
import EventHTTP
import Foundation
import MpesaCore
import PostgresClient
import ServiceKit

/// The read API on the admin listener: recorded callbacks and payments,
/// newest first, a keyset page at a time, on a connection of its own so
/// that readers never queue in front of the callbacks being written.
///
/// Routes (behind the admin token, see `AdminRouter`):
/// `GET /v1/callbacks`, `GET /v1/callbacks/{checkout_request_id}`,
/// `GET /v1/payments`.
///
/// Thread rules: loop thread only.
final class ReadRoutes {
    /// Page sizes.
    static let defaultLimit = 100
    static let maximumLimit = 1_000

    private let connection: PostgresConnection

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Adds the read routes to `router`.
    func register(on router: AdminRouter) {
        router.register(.get, "/v1/callbacks") { [self] request, _ in
            callbacksPage(request)
        }
        router.register(.get, "/v1/callbacks/") { [self] request, rest in
            callbacksForCheckout(request, rest)
        }
        router.register(.get, "/v1/payments") { [self] request, _ in
            paymentsPage(request)
        }
    }

    // MARK: Routes

    private func callbacksPage(_ request: HTTPRequest) {
        let parameters: PageParameters
        do {
            parameters = try PageParameters(
                request.query, cursorKind: "callbacks",
                known: ["limit", "cursor", "since", "until", "result_code", "phone"])
        } catch {
            return respondBadRequest(request, error)
        }
        let command = PostgresCommand(
            ReadStatements.callbacksPage,
            [
                .text(String(parameters.afterID)), parameters.since, parameters.until,
                parameters.resultCode, parameters.phone, .text(String(parameters.limit)),
            ])
        run(command, request) { rows in
            var json = JSONWriter(reservingCapacity: 256 * rows.rows.count + 64)
            json.beginObject()
            json.key("callbacks")
            json.beginArray()
            rows.rows.forEach { Self.writeCallback($0, into: &json) }
            json.endArray()
            Self.writeNextCursor(rows, limit: parameters.limit, kind: "callbacks", into: &json)
            json.endObject()
            return json.bytes
        }
    }

    private func callbacksForCheckout(_ request: HTTPRequest, _ rest: [Substring]) {
        guard rest.count == 1, let checkoutID = String(rest[0]).removingPercentEncoding,
            !checkoutID.isEmpty
        else {
            return request.respond(status: .notFound, text: #"{"error":"not_found"}"#)
        }
        let commands = [
            PostgresCommand(ReadStatements.callbacksForCheckout, [.text(checkoutID)]),
            PostgresCommand(ReadStatements.paymentForCheckout, [.text(checkoutID)]),
        ]
        connection.execute(commands) { result in
            guard case .success(let results) = result else {
                return Self.respondUnavailable(request)
            }
            guard !results[0].rows.isEmpty else {
                return request.respond(status: .notFound, text: #"{"error":"not_found"}"#)
            }
            var json = JSONWriter()
            json.beginObject()
            json.key("checkout_request_id")
            json.string(checkoutID)
            json.key("deliveries")
            json.beginArray()
            results[0].rows.forEach { Self.writeCallback($0, into: &json) }
            json.endArray()
            json.key("payment")
            if let payment = results[1].rows.first {
                Self.writePayment(payment, into: &json)
            } else {
                json.null()
            }
            json.endObject()
            request.respond(status: .ok, body: json.bytes)
        }
    }

    private func paymentsPage(_ request: HTTPRequest) {
        let parameters: PageParameters
        do {
            parameters = try PageParameters(
                request.query, cursorKind: "payments",
                known: ["limit", "cursor", "since", "until", "phone"])
        } catch {
            return respondBadRequest(request, error)
        }
        let command = PostgresCommand(
            ReadStatements.paymentsPage,
            [
                .text(String(parameters.afterID)), parameters.since, parameters.until,
                parameters.phone, .text(String(parameters.limit)),
            ])
        run(command, request) { rows in
            var json = JSONWriter(reservingCapacity: 256 * rows.rows.count + 64)
            json.beginObject()
            json.key("payments")
            json.beginArray()
            rows.rows.forEach { Self.writePayment($0, into: &json) }
            json.endArray()
            Self.writeNextCursor(rows, limit: parameters.limit, kind: "payments", into: &json)
            json.endObject()
            return json.bytes
        }
    }

    // MARK: Helpers

    private func run(
        _ command: PostgresCommand, _ request: HTTPRequest,
        render: @escaping (PostgresRows) -> [UInt8]
    ) {
        connection.execute([command]) { result in
            switch result {
            case .success(let rows): request.respond(status: .ok, body: render(rows[0]))
            case .failure: Self.respondUnavailable(request)
            }
        }
    }

    private func respondBadRequest(_ request: HTTPRequest, _ error: any Error) {
        request.respond(status: .badRequest, error: "invalid_parameter", reason: "\(error)")
    }

    /// `503`: the admin API's connection could not run the statement.
    static func respondUnavailable(_ request: HTTPRequest) {
        request.respond(
            status: .serviceUnavailable, headers: [("Retry-After", "1")],
            text: #"{"error":"database_unavailable"}"#)
    }

    /// Writes a row of `ReadStatements` callback columns.
    private static func writeCallback(_ row: [String?], into json: inout JSONWriter) {
        json.beginObject()
        writeID(row[0], into: &json)
        writeField("received_at", row[1], into: &json)
        writeField("checkout_request_id", row[2], into: &json)
        writeField("merchant_request_id", row[3], into: &json)
        writeField("result_code", row[4], into: &json)
        writeField("result_desc", row[5], into: &json)
        json.key("payment")
        if row[6] != nil {
            json.beginObject()
            writeField("mpesa_receipt_number", row[6], into: &json)
            writeField("amount", row[7], into: &json)
            writeField("phone_number", row[8], into: &json)
            writeField("transaction_time", row[9], into: &json)
            json.endObject()
        } else {
            json.null()
        }
        json.endObject()
    }

    /// Writes a row of `ReadStatements` payment columns.
    private static func writePayment(_ row: [String?], into json: inout JSONWriter) {
        json.beginObject()
        writeID(row[0], into: &json)
        writeField("recorded_at", row[1], into: &json)
        writeField("checkout_request_id", row[2], into: &json)
        writeField("merchant_request_id", row[3], into: &json)
        writeField("mpesa_receipt_number", row[4], into: &json)
        writeField("amount", row[5], into: &json)
        writeField("phone_number", row[6], into: &json)
        writeField("transaction_time", row[7], into: &json)
        writeField("review_reason", row[8], into: &json)
        json.endObject()
    }

    private static func writeID(_ value: String?, into json: inout JSONWriter) {
        json.key("id")
        if let value, let id = Int64(value) {
            json.integer(id)
        } else {
            json.null()
        }
    }

    private static func writeField(_ name: String, _ value: String?, into json: inout JSONWriter) {
        json.key(name)
        if let value {
            json.string(value)
        } else {
            json.null()
        }
    }

    private static func writeNextCursor(
        _ rows: PostgresRows, limit: Int, kind: String, into json: inout JSONWriter
    ) {
        json.key("next_cursor")
        guard rows.rows.count == limit, let last = rows.rows.last?[0], let id = Int64(last) else {
            return json.null()
        }
        json.string(PageCursor(kind: kind, lastID: id).text)
    }
}

/// An opaque position in a page chain: which list, and the last id given.
struct PageCursor {
    let kind: String
    let lastID: Int64

    /// URL-safe base64 of `kind:id`.
    var text: String {
        Data("\(kind):\(lastID)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(kind: String, lastID: Int64) {
        self.kind = kind
        self.lastID = lastID
    }

    init?(text: String, kind: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
            let decoded = String(data: data, encoding: .utf8),
            decoded.hasPrefix(kind + ":"),
            let id = Int64(decoded.dropFirst(kind.count + 1)), id > 0
        else { return nil }
        self.kind = kind
        self.lastID = id
    }
}

/// The validated parameters of a page request.
struct PageParameters {
    /// A parameter that is wrong, named, with what was expected.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    var afterID = Int64.max
    var limit = ReadRoutes.defaultLimit
    var since: PostgresValue = .null
    var until: PostgresValue = .null
    var resultCode: PostgresValue = .null
    var phone: PostgresValue = .null

    init(_ query: String?, cursorKind: String, known: Set<String>) throws(Problem) {
        let parameters = QueryParameters(query)
        if let unknown = parameters.unknownNames(among: known).first {
            throw Problem(description: "\(unknown): unknown parameter")
        }
        if let repeated = parameters.repeatedNames.first {
            throw Problem(description: "\(repeated): given more than once")
        }
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...ReadRoutes.maximumLimit).contains(value) else {
                throw Problem(
                    description:
                        "limit: expected a whole number from 1 to \(ReadRoutes.maximumLimit)")
            }
            limit = value
        }
        if let text = parameters["cursor"] {
            guard let cursor = PageCursor(text: text, kind: cursorKind) else {
                throw Problem(description: "cursor: not a cursor returned by this list")
            }
            afterID = cursor.lastID
        }
        since = try Self.time(parameters["since"], name: "since")
        until = try Self.time(parameters["until"], name: "until")
        if let text = parameters["result_code"] {
            guard !text.isEmpty, text.count <= 64 else {
                throw Problem(description: "result_code: expected 1 to 64 characters")
            }
            resultCode = .text(text)
        }
        if let text = parameters["phone"] {
            guard !text.isEmpty, text.count <= 64 else {
                throw Problem(description: "phone: expected 1 to 64 characters")
            }
            phone = .text(text)
        }
    }

    /// An RFC 3339 time with a zone (`2026-01-01T00:00:00+03:00`, `…Z`).
    private static func time(_ text: String?, name: String) throws(Problem) -> PostgresValue {
        guard let text else { return .null }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard formatter.date(from: text) != nil || fractional.date(from: text) != nil else {
            throw Problem(
                description: "\(name): expected an RFC 3339 time such as 2026-01-01T00:00:00+03:00")
        }
        return .text(text)
    }
}
