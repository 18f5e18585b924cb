import CallbackStore
import EventHTTP
import Foundation
import MpesaCore
import ServiceKit

/// Serves `POST /stk/callback/{token}` on the public listener: checks the
/// source, then the token, validates the body, records the delivery and
/// answers once the record is durable.
///
/// Thread rules: loop thread only.
final class CallbackEndpoint {
    /// The route's fixed part; the token follows it.
    static let pathPrefix = "/stk/callback/"

    private let recorder: DurableRecorder
    private let logger: Logger
    private let metrics: DaemonMetrics
    /// The allowlist, the trusted proxies and the rate limit.
    let sources: SourcePolicy
    private var callbackToken: RotatingSecret
    private var requestIDs = RequestIDs()
    private var previousTokenNotice = OccasionalNotice(every: .seconds(600))
    private var rateLimitNotice = OccasionalNotice(every: .seconds(10))

    init(
        recorder: DurableRecorder, callbackToken: RotatingSecret, sources: SourcePolicy,
        logger: Logger, metrics: DaemonMetrics
    ) {
        self.recorder = recorder
        self.callbackToken = callbackToken
        self.sources = sources
        self.logger = logger
        self.metrics = metrics
    }

    /// Replaces the token, for a reload.
    func updateToken(_ token: Secret) {
        callbackToken.current = token
    }

    /// Replaces the token being retired, for a reload.
    func updatePreviousToken(_ token: Secret?) {
        callbackToken.previous = token
    }

    func handle(_ request: HTTPRequest) {
        let requestID = requestIDs.next()
        let address: IPAddress?
        switch sources.decide(request) {
        case .allowed(let allowed):
            address = allowed
        case .notAllowed(let refused):
            refuseSource(request, requestID: requestID, address: refused)
            return
        case .rateLimited(let limited):
            refuseRate(request, address: limited)
            return
        }
        let source = address?.description ?? "unknown"

        // The token is the only credential a callback carries: a request
        // without it learns nothing, not even whether the route exists.
        guard hasValidToken(request.path) else {
            logger.warning(
                "callback path not found",
                [
                    .requestID: requestID, .method: request.method.rawValue, .source: source,
                ])
            request.respond(status: .notFound, text: #"{"error":"not_found"}"#)
            return
        }
        guard request.method == .post else {
            logger.warning(
                "callback method not allowed",
                [
                    .requestID: requestID, .method: request.method.rawValue, .source: source,
                ])
            request.respond(
                status: .methodNotAllowed, headers: [("Allow", "POST")],
                text: #"{"error":"method_not_allowed"}"#)
            return
        }

        let body = request.withBody { Array($0) }
        let verdict: Delivery.Verdict
        switch CallbackValidator.validate(body) {
        case .success(let callback): verdict = .accepted(callback)
        case .failure(let rejection): verdict = .rejected(rejection)
        }
        let delivery = Delivery(
            sourceAddress: address?.description, body: body, verdict: verdict)
        recorder.record(delivery) { [self] outcome in
            answer(request, requestID: requestID, delivery: delivery, outcome: outcome)
        }
    }

    private func hasValidToken(_ path: String) -> Bool {
        guard path.hasPrefix(Self.pathPrefix) else { return false }
        let candidate = Array(path.utf8.dropFirst(Self.pathPrefix.utf8.count))
        switch callbackToken.match(candidate) {
        case .current:
            return true
        case .previous:
            metrics.traffic.previousTokenUsed(.callback)
            if let count = previousTokenNotice.occurred() {
                logger.notice(
                    "callback used the previous token; Safaricom still has the old URL",
                    [.count: count])
            }
            return true
        case .none:
            return false
        }
    }

    /// Answers 403 to a source outside the allowlist; nothing is read or stored.
    private func refuseSource(_ request: HTTPRequest, requestID: String, address: IPAddress?) {
        metrics.traffic.refused(.sourceNotAllowed)
        logger.warning(
            "callback source not allowed",
            [
                .requestID: requestID, .method: request.method.rawValue,
                .source: address?.description ?? request.peerAddress, .peer: request.peerAddress,
            ])
        request.respond(status: .forbidden, text: #"{"error":"forbidden"}"#)
    }

    /// Answers 429 to a source over its rate, and closes its connection; logged once in
    /// a while, since a source over its rate is sending many.
    private func refuseRate(_ request: HTTPRequest, address: IPAddress) {
        metrics.traffic.refused(.rateLimited)
        if let count = rateLimitNotice.occurred(at: request.receivedAt) {
            logger.warning(
                "callback sources rate limited", [.source: address.description, .count: count])
        }
        request.respond(
            status: .tooManyRequests, headers: [("Retry-After", "1"), ("Connection", "close")],
            text: #"{"error":"rate_limited"}"#)
    }

    private func answer(
        _ request: HTTPRequest, requestID: String, delivery: Delivery,
        outcome: DurableRecorder.Outcome
    ) {
        let elapsed = FixedDecimal.milliseconds(.now - request.receivedAt)
        metrics.callbackAnswered(delivery.verdict, outcome)
        switch (delivery.verdict, outcome) {
        case (.accepted(let callback), .committed(let recorded)):
            logger.info(
                "callback recorded",
                [
                    .requestID: requestID, .checkoutRequestID: callback.checkoutRequestID,
                    .outcome: callback.resultCode.isSuccess ? "success" : "failure",
                    .resultCode: callback.resultCode.text,
                    .payment: Self.paymentLabel(callback, recorded),
                    .review: recorded.reviewReason != nil, .durationMS: elapsed,
                ])
            request.respond(status: .ok, body: Self.accepted)
        case (.accepted(let callback), .spooled):
            logger.warning(
                "callback spooled",
                [
                    .requestID: requestID, .checkoutRequestID: callback.checkoutRequestID,
                    .outcome: callback.resultCode.isSuccess ? "success" : "failure",
                    .resultCode: callback.resultCode.text, .durationMS: elapsed,
                ])
            request.respond(status: .ok, body: Self.accepted)
        case (.rejected(let rejection), .committed), (.rejected(let rejection), .spooled):
            logger.warning(
                "callback rejected",
                [
                    .requestID: requestID, .kind: rejection.kind.rawValue,
                    .reason: rejection.reason, .source: delivery.sourceAddress ?? "unknown",
                    .stored: outcome.isSpooled ? "spool" : "database", .durationMS: elapsed,
                ])
            request.respond(
                status: .badRequest, error: "invalid_callback", reason: rejection.reason)
        case (_, .keptForReview(let error)):
            logger.error(
                "callback kept for review",
                [
                    .requestID: requestID,
                    .checkoutRequestID: delivery.callback?.checkoutRequestID ?? "",
                    .error: error, .sqlState: error.sqlState ?? "", .durationMS: elapsed,
                ])
            request.respond(
                status: .internalServerError, text: #"{"error":"not_recorded_as_callback"}"#)
        case (_, .failed(let reason)):
            logger.error(
                "callback not recorded",
                [
                    .requestID: requestID,
                    .checkoutRequestID: delivery.callback?.checkoutRequestID ?? "",
                    .error: reason, .durationMS: elapsed,
                ])
            request.respond(
                status: .serviceUnavailable, headers: [("Retry-After", "1")],
                text: #"{"error":"unavailable"}"#)
        }
    }

    private static let accepted = Array(#"{"ResultCode":0,"ResultDesc":"Accepted"}"#.utf8)

    private static func paymentLabel(
        _ callback: StkCallback, _ recorded: CallbackRecorder.Recorded
    ) -> String {
        guard callback.resultCode.isSuccess else { return "none" }
        if recorded.addedPayment { return "added" }
        return recorded.isNewDelivery ? "already_recorded" : "replay"
    }
}

extension DurableRecorder.Outcome {
    /// Whether the delivery went to the spool rather than PostgreSQL.
    var isSpooled: Bool {
        if case .spooled = self { return true }
        return false
    }
}
