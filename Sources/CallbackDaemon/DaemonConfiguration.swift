import ServiceKit
import StkSender

/// Everything the daemon reads from its environment, validated at once.
///
/// Built by `init(source:)`, which records every problem in the source;
/// the caller then calls `source.finish()` to get them all in one error.
/// The value never changes after start-up; on SIGHUP `ConfigurationReloader`
/// reads a fresh one and applies the settings that may change one by one.
public struct DaemonConfiguration: Sendable {
    /// libpq connection string; may hold a password, so it is a secret.
    public var databaseURL: Secret
    /// Whether the daemon applies pending migrations when it starts.
    public var migratesOnStart: Bool
    /// The public listener that Safaricom posts to through the TLS proxy.
    public var listen: SocketAddressSpec
    /// The secret path segment of the callback URL.
    public var callbackToken: Secret
    /// The admin listener (health, readiness, metrics, API).
    public var adminListen: SocketAddressSpec
    /// Bearer token for `/v1/*` on the admin listener; nil disables `/v1/*`.
    public var adminToken: Secret?
    /// The callback token being retired, still accepted while Safaricom holds
    /// callback URLs made with it.
    public var previousCallbackToken: Secret?
    /// The admin token being retired, still accepted.
    public var previousAdminToken: Secret?
    /// Who may reach the public listener, how often, and for how long.
    public var traffic: TrafficConfiguration
    public var logLevel: LogLevel
    /// How long a callback may wait for its commit before the daemon gives up
    /// on PostgreSQL for it.
    public var commitDeadline: Duration
    /// The most callbacks written in one transaction.
    public var maximumBatchSize: Int
    /// PostgreSQL connections that record callbacks, each with one
    /// transaction at a time.
    public var writeConnections: Int
    /// How long a graceful stop waits for requests in flight.
    public var shutdownGracePeriod: Duration
    /// Where deliveries go, synced, while PostgreSQL cannot take them.
    public var spoolDirectory: String
    /// The STK push sender's settings; nil when no `DARAJA_*` variable is set.
    public var sender: SenderConfiguration?
    /// When the reconciler asks about pushes whose callback has not come;
    /// it runs only with the sender.
    public var reconciler: ReconcilerConfiguration

    /// Callback tokens and admin tokens must be at least this long.
    public static let minimumTokenLength = 32

    /// Reads every setting from `source`, recording problems in it.
    public init(source: ConfigurationSource) {
        databaseURL = source.secret("MPESA_DATABASE_URL") ?? Secret("postgresql:///mpesa")
        migratesOnStart = source.boolean("MPESA_MIGRATE_ON_START", default: true)
        listen = source.hostAndPort(
            "MPESA_LISTEN", default: SocketAddressSpec(host: "127.0.0.1", port: 8080))
        callbackToken = source.requiredSecret(
            "MPESA_CALLBACK_TOKEN", minimumLength: Self.minimumTokenLength)
        adminListen = source.hostAndPort(
            "MPESA_ADMIN_LISTEN", default: SocketAddressSpec(host: "127.0.0.1", port: 8081))
        adminToken = source.secret("MPESA_ADMIN_TOKEN", minimumLength: Self.minimumTokenLength)
        previousCallbackToken = source.secret(
            "MPESA_CALLBACK_TOKEN_PREVIOUS", minimumLength: Self.minimumTokenLength)
        previousAdminToken = source.secret(
            "MPESA_ADMIN_TOKEN_PREVIOUS", minimumLength: Self.minimumTokenLength)
        traffic = TrafficConfiguration(source: source)
        logLevel = source.enumeration("MPESA_LOG_LEVEL", default: LogLevel.info)
        commitDeadline = source.duration(
            "MPESA_COMMIT_DEADLINE", default: .seconds(2),
            range: .milliseconds(50) ... .seconds(60))
        maximumBatchSize = source.integer("MPESA_MAX_BATCH_SIZE", default: 256, range: 1...5_000)
        writeConnections = source.integer("MPESA_WRITE_CONNECTIONS", default: 1, range: 1...8)
        shutdownGracePeriod = source.duration(
            "MPESA_SHUTDOWN_GRACE", default: .seconds(10), range: .zero ... .seconds(300))
        // systemd's StateDirectory= may list several paths; the first is ours.
        let stateDirectory = source.string("STATE_DIRECTORY")?
            .split(separator: ":").first.map(String.init)
        spoolDirectory = source.string(
            "MPESA_SPOOL_DIR", default: stateDirectory.map { $0 + "/spool" } ?? ".local/spool")
        sender = SenderConfiguration.optional(from: source)
        reconciler = ReconcilerConfiguration(source: source)
        if previousAdminToken != nil && adminToken == nil {
            source.recordProblem(
                "MPESA_ADMIN_TOKEN_PREVIOUS", "is set while MPESA_ADMIN_TOKEN is not")
        }
        if listen == adminListen && listen.port != 0 {
            source.recordProblem(
                "MPESA_ADMIN_LISTEN", "must differ from MPESA_LISTEN (\(listen))")
        }
    }
}
