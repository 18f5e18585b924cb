import EventHTTP
import Foundation
import MpesaCore
import ServiceKit

/// A local stand-in for Safaricom's Daraja API: OAuth, the STK push with
/// Daraja's checks and error answers, the STK query, and the callback
/// posted to each push's `CallBackURL` after a delay.
///
/// The outcome of each push is chosen by its phone number (see
/// `SimulatedOutcome`). `POST /simulator/invalidate-token`, which Daraja
/// does not have, invalidates the current token, as another process
/// fetching one with the same key would.
///
/// Ownership: owns its HTTP server, the timers of pending callbacks and the
/// requests it holds back. Thread rules: loop thread only.
public final class DarajaSimulator {
    let configuration: SimulatorConfiguration
    let loop: EventLoop
    let logger: Logger
    let poster: CallbackPoster
    var identifiers = DarajaIdentifiers()
    var tokens: TokenIssuer
    /// Every push accepted since start, by checkout request id.
    var pushes: [String: SimulatedPush] = [:]
    /// Armed timers, each removed when it fires.
    private var timers: [Int: LoopEvent] = [:]
    /// Requests whose answer is being held back, by checkout request id;
    /// answered 503 on stop.
    var heldRequests: [String: HTTPRequest] = [:]
    private var nextTimerID = 0
    private var server: HTTPServer?

    public init(configuration: SimulatorConfiguration, loop: EventLoop, logger: Logger) {
        self.configuration = configuration
        self.loop = loop
        self.logger = logger
        poster = CallbackPoster(shortCode: configuration.shortCode, logger: logger)
        tokens = TokenIssuer(
            consumerKey: configuration.consumerKey, consumerSecret: configuration.consumerSecret,
            lifetime: configuration.tokenLifetime)
    }

    /// Binds the listener and starts serving.
    ///
    /// - Returns: the address bound, with the port the kernel chose for 0.
    @discardableResult
    public func start() throws(EventError) -> HTTPServer.BoundAddress {
        let server = try HTTPServer(
            loop: loop,
            limits: HTTPServer.Limits(maximumBodyBytes: 65_536, timeout: .seconds(600))
        ) { [unowned self] request in
            handle(request)
        }
        let address = try server.bind(
            host: configuration.listen.host, port: configuration.listen.port)
        self.server = server
        logger.notice("listening", [.address: address])
        return address
    }

    /// Stops listening, answers every held request 503 and drops pending callbacks.
    public func stop() {
        server?.stopAccepting()
        timers.removeAll()
        for request in heldRequests.values {
            request.respond(status: .serviceUnavailable, text: #"{"error":"stopping"}"#)
        }
        heldRequests.removeAll()
    }

    /// Daraja's paths, and the simulator's own.
    private func handle(_ request: HTTPRequest) {
        let route: (method: HTTPMethod, handler: (HTTPRequest) -> Void)
        switch request.path {
        case "/oauth/v1/generate": route = (.get, issueToken)
        case "/mpesa/stkpush/v1/processrequest": route = (.post, acceptPush)
        case "/mpesa/stkpushquery/v1/query": route = (.post, answerQuery)
        case "/simulator/invalidate-token": route = (.post, invalidateToken)
        default: return fail(request, .resourceNotFound)
        }
        guard request.method == route.method else {
            return fail(request, .methodNotAllowed)
        }
        route.handler(request)
    }

    // MARK: OAuth

    private func issueToken(_ request: HTTPRequest) {
        let grant = request.query.flatMap { URLComponents(string: "?" + $0)?.queryItems }?
            .first { $0.name == "grant_type" }?.value
        guard let isKnownApp = tokens.checkBasic(request.header("Authorization")) else {
            return fail(request, .invalidAuthentication)
        }
        guard grant == "client_credentials" else {
            return fail(request, .invalidGrantType)
        }
        guard isKnownApp else {
            // Daraja gives no JSON body here; a client must not rely on one.
            logger.warning("oauth refused", [.reason: "unknown consumer key or secret"])
            request.respond(status: .unauthorized, body: [])
            return
        }

        let token = identifiers.accessToken()
        tokens.issue(token)
        logger.info("access token issued", [.count: tokens.issuedCount])
        // `expires_in` as a string, the form most clients have parsed for years.
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("access_token")
        writer.string(token)
        writer.key("expires_in")
        writer.string(String(tokens.lifetimeSeconds))
        writer.endObject()
        request.respond(status: .ok, body: writer.bytes)
    }

    private func invalidateToken(_ request: HTTPRequest) {
        tokens.invalidate()
        logger.notice("access token invalidated")
        request.respond(status: .ok, text: #"{"invalidated":true}"#)
    }

    // MARK: Answers and timers

    /// The body of a request with the current token, as `check` reads it;
    /// nil once the request has been answered with Daraja's error.
    func checkedBody<Checked>(
        _ request: HTTPRequest,
        _ check: ([UInt8], String?, PushChecks.Context) -> Result<Checked, DarajaFault>
    ) -> Checked? {
        guard tokens.isValidBearer(request.header("Authorization")) else {
            fail(request, .invalidAccessToken)
            return nil
        }
        let context = PushChecks.Context(
            shortCode: configuration.shortCode, passkey: configuration.passkey, now: Date())
        switch check(request.withBody { Array($0) }, request.header("Content-Type"), context) {
        case .success(let checked):
            return checked
        case .failure(let fault):
            fail(request, fault)
            return nil
        }
    }

    /// Answers with Daraja's error envelope and logs the refusal.
    func fail(_ request: HTTPRequest, _ fault: DarajaFault) {
        logger.warning(
            "request refused",
            [.path: request.path, .darajaErrorCode: fault.code, .reason: fault.message])
        request.respond(status: fault.status, body: fault.body(requestID: identifiers.requestID()))
    }

    /// Runs `body` on the loop after `delay`.
    func after(_ delay: Duration, _ body: @escaping () -> Void) {
        let id = nextTimerID
        nextTimerID += 1
        timers[id] = try? LoopEvent.timer(on: loop, after: delay) { [unowned self] in
            timers[id] = nil
            body()
        }
    }
}

extension LogField {
    /// The `errorCode` of a Daraja error answer.
    static let darajaErrorCode = LogField("error_code")
}
