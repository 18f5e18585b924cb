import Foundation
import PostgresClient
import ServiceKit

/// Hands out the Daraja access token that every process using one consumer
/// key shares through `mpesa.daraja_tokens`.
///
/// Daraja invalidates a token when it issues the next one for the same key,
/// so a process that fetched its own would break every other one. Here a
/// token is fetched only when the stored one is missing, due for refresh or
/// reported invalid, and only by the process holding the row's lease; the
/// others wait for the token it stores. Within a process, callers share one
/// fetch.
///
/// Thread rules: an actor; callable from any task.
actor AccessTokenProvider {
    /// A token and the generation it was stored under.
    struct Token: Sendable {
        let value: Secret
        /// Bumped each time a new token is stored for the key; -1 when this
        /// token could not be stored.
        let generation: Int64
        /// When to stop using it and look for a newer one.
        let refreshAt: ContinuousClock.Instant

        var isFresh: Bool { ContinuousClock.now < refreshAt }
    }

    private let database: AsyncPostgresConnection
    private let client: DarajaClient
    private let consumerKey: Secret
    private let consumerSecret: Secret
    private let logger: Logger
    private let onFetch: @Sendable (Bool) -> Void
    /// How long a lease lasts: longer than one OAuth exchange may take.
    private let leaseDuration: Duration
    /// How often a process waiting for another's fetch looks for the result.
    private static let pollInterval = Duration.milliseconds(200)

    private var current: Token?
    private var fetch: Task<Result<Token, StkSenderError>, Never>?

    init(
        database: AsyncPostgresConnection, client: DarajaClient, configuration: SenderConfiguration,
        logger: Logger, onFetch: @escaping @Sendable (Bool) -> Void
    ) {
        self.database = database
        self.client = client
        consumerKey = configuration.consumerKey
        consumerSecret = configuration.consumerSecret
        self.logger = logger
        self.onFetch = onFetch
        leaseDuration = configuration.requestTimeout + .seconds(5)
    }

    /// A fresh token: the one in memory, else the stored one, else a new one.
    func token() async throws(StkSenderError) -> Token {
        if let current, current.isFresh {
            return current
        }
        return try await newerToken(than: nil)
    }

    /// A token to use instead of `stale`, which Daraja called invalid.
    ///
    /// However many callers were refused with `stale`, one new token is
    /// fetched, and none when another process has already stored one.
    func token(replacing stale: Token) async throws(StkSenderError) -> Token {
        if let current, current.generation > stale.generation, current.isFresh {
            return current
        }
        return try await newerToken(than: stale.generation)
    }

    private func newerToken(than invalidGeneration: Int64?) async throws(StkSenderError) -> Token {
        let task =
            fetch
            ?? Task { [self] in
                await obtain(invalidGeneration: invalidGeneration ?? -1)
            }
        fetch = task
        let result = await task.value
        if fetch == task {
            fetch = nil
        }
        if case .success(let token) = result {
            current = token
        }
        return try result.get()
    }

    /// Reads the stored token, or takes the lease and fetches one, or waits
    /// for the process that holds the lease.
    private nonisolated func obtain(
        invalidGeneration: Int64
    ) async -> Result<Token, StkSenderError> {
        let holder = UUID().uuidString
        let deadline = ContinuousClock.now + leaseDuration * 2
        do throws(PostgresError) {
            while true {
                if let stored = try await storedToken(), stored.isFresh,
                    stored.generation > invalidGeneration
                {
                    return .success(stored)
                }
                if try await takeLease(holder: holder, invalidGeneration: invalidGeneration) {
                    return await fetchAndStore(holder: holder)
                }
                guard ContinuousClock.now < deadline else {
                    return .failure(
                        .tokenUnavailable(
                            DarajaError(
                                code: "token_lease_busy",
                                message: "another sender has held the token lease too long")))
                }
                try? await Task.sleep(for: Self.pollInterval)
            }
        } catch {
            return .failure(.database(error))
        }
    }

    private nonisolated func storedToken() async throws(PostgresError) -> Token? {
        let rows = try await database.execute(
            PostgresCommand(TokenStatements.read, [.text(consumerKey.exposedValue)]))
        guard let row = rows.rows.first, let value = row[0],
            let generation = row[1].flatMap({ Int64($0) }),
            let freshSeconds = row[2].flatMap({ Double($0) })
        else {
            return nil
        }
        let refreshAt = ContinuousClock.now + .milliseconds(Int64(freshSeconds * 1_000))
        return Token(value: Secret(value), generation: generation, refreshAt: refreshAt)
    }

    private nonisolated func takeLease(
        holder: String, invalidGeneration: Int64
    ) async throws(PostgresError) -> Bool {
        let seconds = Double(leaseDuration.components.seconds)
        let rows = try await database.execute(
            PostgresCommand(
                TokenStatements.takeLease,
                [
                    .text(consumerKey.exposedValue), .text(holder), .text(String(seconds)),
                    .text(String(invalidGeneration)),
                ]))
        return !rows.rows.isEmpty
    }

    private nonisolated func fetchAndStore(
        holder: String
    ) async -> Result<Token, StkSenderError> {
        let issued: Result<IssuedToken, DarajaError>
        switch await client.requestToken(consumerKey: consumerKey, consumerSecret: consumerSecret) {
        case .answered(let status, let body):
            issued = IssuedToken.read(status: status, body: body)
        case .notSent(let failure), .noAnswer(let failure):
            issued = .failure(DarajaError(code: failure.code, message: failure.message))
        }

        switch issued {
        case .failure(let error):
            _ = try? await database.execute(
                PostgresCommand(
                    TokenStatements.releaseLease, [.text(consumerKey.exposedValue), .text(holder)]))
            logger.warning(
                "access token not obtained",
                [.errorCode: error.code, .reason: error.message, .daraja: client.endpoint])
            onFetch(false)
            return .failure(.tokenUnavailable(error))
        case .success(let token):
            onFetch(true)
            return await store(token, holder: holder)
        }
    }

    private nonisolated func store(
        _ token: IssuedToken, holder: String
    ) async -> Result<Token, StkSenderError> {
        let refreshAt = ContinuousClock.now + .seconds(token.refreshAfterSeconds)
        let rows: PostgresRows
        do throws(PostgresError) {
            rows = try await database.execute(
                PostgresCommand(
                    TokenStatements.store,
                    [
                        .text(consumerKey.exposedValue), .text(holder),
                        .text(token.value.exposedValue),
                        .text(String(token.refreshAfterSeconds)),
                        .text(String(token.lifetimeSeconds)),
                    ]))
        } catch {
            // Daraja has issued it, so it is the valid one: use it unstored.
            logger.error(
                "access token not stored", [.error: error, .sqlState: error.sqlState ?? ""])
            return .success(Token(value: token.value, generation: -1, refreshAt: refreshAt))
        }
        guard let generation = rows.rows.first?[0].flatMap({ Int64($0) }) else {
            logger.warning("access token lease lost before the token was stored")
            return .success(Token(value: token.value, generation: -1, refreshAt: refreshAt))
        }
        logger.notice(
            "access token fetched", [.tokenGeneration: generation, .daraja: client.endpoint])
        return .success(Token(value: token.value, generation: generation, refreshAt: refreshAt))
    }
}
