import EventHTTP
import Foundation
import MpesaCore
import ServiceKit
import StkSender

/// The admin API's STK push routes, behind the admin bearer token:
/// `POST /v1/stk-pushes` starts a push and answers with the recorded
/// request; `GET /v1/stk-pushes/{checkout_request_id}` reads one back.
///
/// The sender works off the loop, in a task; each request is answered on
/// the loop when its task ends. Thread rules: `register` on the loop thread.
enum StkPushRoutes {
    static let path = "/v1/stk-pushes"

    /// The fields a push body may hold; `description` is optional.
    static let fields = ["phone", "amount", "reference", "description"]

    /// Adds both routes to `router`; with no sender they answer 503.
    static func register(
        on router: AdminRouter, sender: StkSender?, loop: EventLoop, logger: Logger
    ) {
        router.register(.post, path) { request, _ in
            guard let sender else { return notConfigured(request) }
            let order: StkPushOrder
            switch readOrder(request) {
            case .success(let read):
                order = read
            case .failure(let refusal):
                logger.warning(
                    "stk push request refused",
                    [.reason: refusal.reason, .source: request.peerAddress])
                request.respond(status: .badRequest, body: refusal.body)
                return
            }
            let reply = LoopReply(request, loop: loop)
            Task {
                do throws(StkSenderError) {
                    let record = try await sender.push(order)
                    reply.send(status(of: record), record.jsonBytes())
                } catch {
                    reply.send(answer(for: error))
                }
            }
        }

        router.register(.get, path + "/") { request, rest in
            guard let sender else { return notConfigured(request) }
            guard rest.count == 1, let id = String(rest[0]).removingPercentEncoding, !id.isEmpty
            else {
                request.respond(status: .notFound, text: #"{"error":"not_found"}"#)
                return
            }
            let reply = LoopReply(request, loop: loop)
            Task {
                do throws(StkSenderError) {
                    if let record = try await sender.request(checkoutRequestID: id) {
                        reply.send(.ok, record.jsonBytes())
                    } else {
                        reply.send(.notFound, Array(#"{"error":"not_found"}"#.utf8))
                    }
                } catch {
                    reply.send(answer(for: error))
                }
            }
        }
    }

    private static func notConfigured(_ request: HTTPRequest) {
        request.respond(
            status: .serviceUnavailable, text: #"{"error":"sender_not_configured"}"#)
    }

    /// The status for a recorded push: created when Daraja took it, a
    /// gateway error when Daraja refused it or did not answer.
    static func status(of record: StkRequestRecord) -> HTTPStatus {
        switch record.state {
        case .accepted: .created
        case .unknown: .gatewayTimeout
        default: .badGateway
        }
    }

    /// The status and body for a push or lookup that failed.
    static func answer(for error: StkSenderError) -> (HTTPStatus, [UInt8]) {
        var writer = JSONWriter()
        writer.beginObject()
        let status: HTTPStatus
        switch error {
        case .invalid(let invalid):
            status = .badRequest
            member("error", "invalid_push", to: &writer)
            writeProblems(invalid.problems, to: &writer)
        case .tokenUnavailable(let cause):
            status = .badGateway
            member("error", "daraja_unavailable", to: &writer)
            member("reason", cause.description, to: &writer)
        case .database:
            status = .serviceUnavailable
            member("error", "database_unavailable", to: &writer)
        case .notRecorded(let requestID, let checkoutRequestID, _):
            status = .internalServerError
            member("error", "not_recorded", to: &writer)
            member("stk_request_id", requestID, to: &writer)
            if let checkoutRequestID {
                member("checkout_request_id", checkoutRequestID, to: &writer)
            }
        case .queryFailed(let cause):
            status = .badGateway
            member("error", "query_failed", to: &writer)
            member("reason", cause.description, to: &writer)
        }
        writer.endObject()
        return (status, writer.bytes)
    }

    /// A body the route refused before the sender saw it.
    struct Refusal: Error {
        let reason: String
        let body: [UInt8]
    }

    /// Reads `{"phone":…,"amount":…,"reference":…,"description":…}`; the
    /// amount may be a number or a string.
    static func readOrder(_ request: HTTPRequest) -> Result<StkPushOrder, Refusal> {
        let parsed = request.withBody { bytes in
            Result { () throws(JSONSyntaxError) in
                try StrictJSONParser.parse(bytes, maximumDepth: 1)
            }
        }
        guard case .success(let value) = parsed, let object = value.objectValue else {
            return .failure(refusal(problems: [], reason: "body is not one JSON object"))
        }

        var problems: [StkPushProblem] = []
        for key in object.keys where !fields.contains(key) {
            problems.append(StkPushProblem(field: key, message: "unknown field"))
        }
        func text(_ name: String, isRequired: Bool = true) -> String? {
            switch object[name] {
            case .string(let value): return value
            case .number(let number) where name == "amount": return number.text
            case nil where !isRequired: return nil
            default:
                problems.append(StkPushProblem(field: name, message: "must be a string"))
                return nil
            }
        }
        let phone = text("phone")
        let amount = text("amount")
        let reference = text("reference")
        let description = text("description", isRequired: false)
        guard problems.isEmpty, let phone, let amount, let reference else {
            return .failure(refusal(problems: problems, reason: "missing or mistyped fields"))
        }
        return .success(
            StkPushOrder(
                phone: phone, amount: amount, accountReference: reference,
                transactionDescription: description))
    }

    private static func refusal(problems: [StkPushProblem], reason: String) -> Refusal {
        var writer = JSONWriter()
        writer.beginObject()
        member("error", "invalid_push", to: &writer)
        member("reason", reason, to: &writer)
        writeProblems(problems, to: &writer)
        writer.endObject()
        return Refusal(reason: reason, body: writer.bytes)
    }

    private static func writeProblems(_ problems: [StkPushProblem], to writer: inout JSONWriter) {
        writer.key("problems")
        writer.beginArray()
        for problem in problems {
            writer.beginObject()
            member("field", problem.field, to: &writer)
            member("message", problem.message, to: &writer)
            writer.endObject()
        }
        writer.endArray()
    }

    private static func member(_ key: String, _ value: String, to writer: inout JSONWriter) {
        writer.key(key)
        writer.string(value)
    }
}

/// Carries a loop-confined request through a task and answers it on its loop.
///
/// `@unchecked Sendable` because the request is touched only on the loop
/// thread: `send` hops there before answering.
private final class LoopReply: @unchecked Sendable {
    private let request: HTTPRequest
    private let loop: EventLoop

    init(_ request: HTTPRequest, loop: EventLoop) {
        self.request = request
        self.loop = loop
    }

    func send(_ status: HTTPStatus, _ body: [UInt8]) {
        loop.execute { [self] in
            request.respond(status: status, body: body)
        }
    }

    func send(_ answer: (HTTPStatus, [UInt8])) {
        send(answer.0, answer.1)
    }
}
