import CallbackStore
import EventHTTP
import MpesaCore
import PostgresClient
import ServiceKit

/// `POST /v1/reviews/{kind}/{id}/resolve` on the admin listener, behind the
/// admin token: marks an item of `mpesa.needs_review` as dealt with, with a
/// note, so that the review list holds only what is still to do.
///
/// The body is one JSON object, `{"note":"…"}`: what was done, 1 to 1,000
/// characters. The item is named as the view names it (`kind`: `payment`,
/// `callback`, `stk_request` or `rejected_callback`; `id`: its row's id)
/// and is resolved for the reason it is listed for now. Answers `201` with
/// the resolution; `200` with the earlier one when the item was already
/// resolved and is not listed again; `404` when it is not listed at all;
/// `400 invalid_resolution` for a body without a usable note.
///
/// Runs on the admin API's connection (`ReadStatements`). Thread rules:
/// loop thread only.
final class ReviewRoutes {
    static let prefix = "/v1/reviews/"
    static let kinds: Set<Substring> = ["payment", "callback", "stk_request", "rejected_callback"]
    static let maximumNoteLength = 1_000

    private let connection: PostgresConnection
    private let logger: Logger

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Adds the route to `router`.
    func register(on router: AdminRouter) {
        router.register(.post, Self.prefix) { [self] request, rest in
            resolve(request, rest)
        }
    }

    private func resolve(_ request: HTTPRequest, _ rest: [Substring]) {
        guard rest.count == 3, rest[2] == "resolve", Self.kinds.contains(rest[0]),
            let id = Int64(rest[1]), id > 0
        else {
            return request.respond(status: .notFound, text: #"{"error":"not_found"}"#)
        }
        let note: String
        switch Self.readNote(request) {
        case .success(let text):
            note = text
        case .failure(let refusal):
            return request.respond(
                status: .badRequest, error: "invalid_resolution", reason: refusal.reason)
        }
        let kind = String(rest[0])
        let item: [PostgresValue] = [.text(kind), .text(String(id))]
        let commands = [
            PostgresCommand(ReadStatements.resolveReviewItem, item + [.text(note)]),
            PostgresCommand(ReadStatements.latestReviewResolution, item),
        ]
        connection.execute(commands) { [logger] result in
            guard case .success(let results) = result else {
                return ReadRoutes.respondUnavailable(request)
            }
            if let made = results[0].rows.first {
                logger.notice("review item resolved", [.kind: kind, .itemID: id])
                request.respond(status: .created, body: Self.json(made))
            } else if let earlier = results[1].rows.first {
                request.respond(status: .ok, body: Self.json(earlier))
            } else {
                request.respond(status: .notFound, text: #"{"error":"not_found"}"#)
            }
        }
    }

    /// Why a body gives no note.
    struct Refusal: Error {
        let reason: String
    }

    /// The note of a `{"note":"…"}` body.
    static func readNote(_ request: HTTPRequest) -> Result<String, Refusal> {
        let parsed = request.withBody { bytes in
            Result { () throws(JSONSyntaxError) in
                try StrictJSONParser.parse(bytes, maximumDepth: 1)
            }
        }
        guard case .success(let value) = parsed, let object = value.objectValue else {
            return .failure(Refusal(reason: "body is not one JSON object"))
        }
        if let unknown = object.keys.first(where: { $0 != "note" }) {
            return .failure(Refusal(reason: "\(unknown): unknown field"))
        }
        guard case .string(let note) = object["note"] else {
            return .failure(Refusal(reason: "note: must be a string"))
        }
        // Counted as PostgreSQL counts a text's length, in code points.
        let scalars = note.unicodeScalars
        guard note.contains(where: { !$0.isWhitespace }), scalars.count <= maximumNoteLength
        else {
            return .failure(
                Refusal(
                    reason: "note: must say what was done, in 1 to \(maximumNoteLength) characters")
            )
        }
        guard !scalars.contains("\u{0}") else {
            return .failure(Refusal(reason: "note: must not contain U+0000"))
        }
        return .success(note)
    }

    /// A resolution row (`ReadStatements` resolution columns) as JSON.
    private static func json(_ row: [String?]) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.key("kind")
        json.string(row[0] ?? "")
        json.key("id")
        json.integer(Int64(row[1] ?? "") ?? 0)
        for (index, name) in [(2, "reason"), (3, "note"), (4, "resolved_at")] {
            json.key(name)
            json.string(row[index] ?? "")
        }
        json.endObject()
        return json.bytes
    }
}
