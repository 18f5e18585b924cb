import Foundation
import PostgresClient
import ServiceKit

/// Starts M-Pesa Express (STK) pushes, records each in `mpesa.stk_requests`,
/// and asks the STK query API about them.
///
/// A push is checked, recorded in state `sending`, sent, and its answer
/// recorded: `accepted` with both ids, `refused` with Daraja's error, or
/// `unknown` when the request may have left and no answer came. An unknown
/// push is never sent again by itself: Daraja has no idempotency, so a
/// retry could prompt the customer twice. A callback later settles an
/// accepted request (the receiver does that).
///
/// Thread rules: any task. Used by `mpesa-stk` and the daemon's admin API,
/// each with a `PostgresConnection` prepared with `StkSender.statements`.
public final class StkSender: Sendable {
    /// Hooks for counting what the sender does; each is called on the task
    /// that did it and must return quickly.
    public struct Events: Sendable {
        /// A push got its outcome (`accepted`, `refused`, `unknown`) after the duration.
        public var pushFinished: @Sendable (StkRequestState, Duration) -> Void
        /// An OAuth exchange ended: true when it gave a token.
        public var tokenFetched: @Sendable (Bool) -> Void

        public init(
            pushFinished: @escaping @Sendable (StkRequestState, Duration) -> Void = { _, _ in },
            tokenFetched: @escaping @Sendable (Bool) -> Void = { _ in }
        ) {
            self.pushFinished = pushFinished
            self.tokenFetched = tokenFetched
        }
    }

    /// The statements to prepare on the sender's connection.
    public static let statements = StkRequestStatements.all + TokenStatements.all

    private let configuration: SenderConfiguration
    private let client: DarajaClient
    private let tokens: AccessTokenProvider
    private let requests: StkRequestStore
    private let logger: Logger
    private let events: Events

    /// Creates a sender that records in `database`.
    public init(
        configuration: SenderConfiguration, database: AsyncPostgresConnection, logger: Logger,
        events: Events = Events()
    ) {
        self.configuration = configuration
        client = DarajaClient(
            endpoint: configuration.endpoint, timeout: configuration.requestTimeout)
        tokens = AccessTokenProvider(
            database: database, client: client, configuration: configuration, logger: logger,
            onFetch: events.tokenFetched)
        requests = StkRequestStore(database: database)
        self.logger = logger
        self.events = events
    }

    /// Checks, records and sends one push.
    ///
    /// - Returns: the recorded request, in state `accepted`, `refused` or
    ///   `unknown`.
    /// - Throws: `StkSenderError`; every case says whether anything was sent.
    public func push(_ order: StkPushOrder) async throws(StkSenderError) -> StkRequestRecord {
        let started = ContinuousClock.now
        let push: StkPush
        switch StkPush.validate(order) {
        case .success(let valid): push = valid
        case .failure(let invalid): throw .invalid(invalid)
        }
        // A token first: without one nothing can be sent, and nothing is recorded.
        let token = try await tokens.token()
        let id: String
        do throws(PostgresError) {
            id = try await requests.insert(push, configuration: configuration)
        } catch {
            throw .database(error)
        }

        let reply = await send(push, token: token)
        let record = try await record(reply, id: id)
        report(record, elapsed: .now - started)
        return record
    }

    /// Sends the push, and once more with a new token if Daraja called the
    /// token invalid: that answer means nothing was done with the first.
    private func send(_ push: StkPush, token: AccessTokenProvider.Token) async -> StkPushReply {
        let first = await sendOnce(push, token: token)
        guard first == .invalidToken else { return first }

        logger.notice("access token refused by Daraja; refreshing once")
        let fresh: AccessTokenProvider.Token
        do throws(StkSenderError) {
            fresh = try await tokens.token(replacing: token)
        } catch {
            if case .tokenUnavailable(let cause) = error {
                return .refused(cause)
            }
            return .refused(DarajaError(code: "token_unavailable", message: "\(error)"))
        }
        let second = await sendOnce(push, token: fresh)
        guard second == .invalidToken else { return second }
        return .refused(
            DarajaError(
                code: DarajaError.invalidAccessTokenCode,
                message: "Invalid Access Token, twice in a row"))
    }

    private func sendOnce(_ push: StkPush, token: AccessTokenProvider.Token) async -> StkPushReply {
        // One signature per request: its timestamp and password always agree.
        let signature = DarajaSignature(
            shortCode: configuration.shortCode, passkey: configuration.passkey)
        let body = DarajaRequestBody.stkPush(
            push, configuration: configuration, signature: signature)
        return StkPushReply(
            await client.post(path: DarajaEndpoint.pushPath, body: body, token: token.value))
    }

    private func record(
        _ reply: StkPushReply, id: String
    ) async throws(StkSenderError) -> StkRequestRecord {
        var checkoutRequestID: String?
        do throws(PostgresError) {
            switch reply {
            case .accepted(let merchant, let checkout):
                checkoutRequestID = checkout
                return try await requests.finish(
                    id: id, state: .accepted, merchantRequestID: merchant,
                    checkoutRequestID: checkout)
            case .refused(let error):
                return try await requests.finish(id: id, state: .refused, error: error)
            case .unknown(let error):
                return try await requests.finish(id: id, state: .unknown, error: error)
            case .invalidToken:
                preconditionFailure("send(_:token:) never returns invalidToken")
            }
        } catch {
            logger.error(
                "stk push answer not recorded",
                [
                    .stkRequestID: id, .checkoutRequestID: checkoutRequestID ?? "",
                    .error: error, .sqlState: error.sqlState ?? "",
                ])
            throw .notRecorded(requestID: id, checkoutRequestID: checkoutRequestID, error)
        }
    }

    private func report(_ record: StkRequestRecord, elapsed: Duration) {
        let duration = FixedDecimal.milliseconds(elapsed)
        switch record.state {
        case .accepted:
            logger.info(
                "stk push accepted",
                [
                    .stkRequestID: record.id, .checkoutRequestID: record.checkoutRequestID ?? "",
                    .durationMS: duration,
                ])
        case .unknown:
            logger.error(
                "stk push outcome unknown; not retried",
                [
                    .stkRequestID: record.id, .errorCode: record.errorCode ?? "",
                    .reason: record.errorMessage ?? "", .durationMS: duration,
                ])
        default:
            logger.warning(
                "stk push refused",
                [
                    .stkRequestID: record.id, .errorCode: record.errorCode ?? "",
                    .reason: record.errorMessage ?? "", .durationMS: duration,
                ])
        }
        if let state = record.state {
            events.pushFinished(state, elapsed)
        }
    }

    /// The recorded request Daraja knows by `checkoutRequestID`, if any.
    public func request(
        checkoutRequestID: String
    ) async throws(StkSenderError) -> StkRequestRecord? {
        do throws(PostgresError) {
            return try await requests.find(checkoutRequestID: checkoutRequestID)
        } catch {
            throw .database(error)
        }
    }

    /// Asks Daraja's STK query API for the outcome of a push. Nothing is
    /// recorded: settling requests is the receiver's and reconciler's work.
    public func query(checkoutRequestID: String) async throws(StkSenderError) -> StkQueryResult {
        var token = try await tokens.token()
        var reply = await queryOnce(checkoutRequestID, token: token)
        if reply == .invalidToken {
            token = try await tokens.token(replacing: token)
            reply = await queryOnce(checkoutRequestID, token: token)
        }
        switch reply {
        case .result(let result):
            return result
        case .invalidToken:
            throw .queryFailed(
                DarajaError(
                    code: DarajaError.invalidAccessTokenCode,
                    message: "Invalid Access Token, twice in a row"))
        case .failed(let error):
            throw .queryFailed(error)
        }
    }

    private func queryOnce(
        _ checkoutRequestID: String, token: AccessTokenProvider.Token
    ) async -> StkQueryReply {
        let signature = DarajaSignature(
            shortCode: configuration.shortCode, passkey: configuration.passkey)
        let body = DarajaRequestBody.stkQuery(
            checkoutRequestID: checkoutRequestID, configuration: configuration,
            signature: signature)
        return StkQueryReply(
            await client.post(path: DarajaEndpoint.queryPath, body: body, token: token.value))
    }
}
