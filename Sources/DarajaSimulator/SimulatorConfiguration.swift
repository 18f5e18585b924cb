import ServiceKit

/// What `daraja-sim` reads from its environment and flags.
///
/// The credentials use the sender's own variable names (`DARAJA_CONSUMER_KEY`,
/// `DARAJA_CONSUMER_SECRET`, `DARAJA_SHORTCODE`, `DARAJA_PASSKEY`), so that
/// one environment serves the simulator, the daemon and `mpesa-stk`. They
/// come from the environment or credential files only, never from flags,
/// which any user can read in the process list.
public struct SimulatorConfiguration: Sendable {
    /// Where the simulator listens; port 0 picks one, logged at start.
    public var listen: SocketAddressSpec
    public var consumerKey: Secret
    public var consumerSecret: Secret
    /// The only `BusinessShortCode` the simulator knows.
    public var shortCode: String
    public var passkey: Secret
    /// How long the simulated customer takes to answer the prompt.
    public var callbackDelay: Duration
    /// How long a push whose outcome is "slow answer" waits for its answer.
    public var slowAnswerDelay: Duration
    /// The `expires_in` of each token.
    public var tokenLifetime: Duration
    public var logLevel: LogLevel

    /// The flags that set a non-secret variable, and the variable each sets.
    public static let flagVariables = [
        "listen": "DARAJA_SIM_LISTEN",
        "callback-delay": "DARAJA_SIM_CALLBACK_DELAY",
        "slow-answer-delay": "DARAJA_SIM_SLOW_ANSWER_DELAY",
        "token-lifetime": "DARAJA_SIM_TOKEN_LIFETIME",
        "log-level": "DARAJA_SIM_LOG_LEVEL",
    ]

    /// Reads every setting from `source`, recording problems in it.
    public init(source: ConfigurationSource) {
        listen = source.hostAndPort(
            "DARAJA_SIM_LISTEN", default: SocketAddressSpec(host: "127.0.0.1", port: 8090))
        consumerKey = source.requiredSecret("DARAJA_CONSUMER_KEY")
        consumerSecret = source.requiredSecret("DARAJA_CONSUMER_SECRET")
        shortCode = source.requiredString("DARAJA_SHORTCODE")
        passkey = source.requiredSecret("DARAJA_PASSKEY")
        callbackDelay = source.duration(
            "DARAJA_SIM_CALLBACK_DELAY", default: .seconds(2), range: .zero ... .seconds(600))
        slowAnswerDelay = source.duration(
            "DARAJA_SIM_SLOW_ANSWER_DELAY", default: .seconds(60),
            range: .milliseconds(1) ... .seconds(600))
        tokenLifetime = source.duration(
            "DARAJA_SIM_TOKEN_LIFETIME", default: .seconds(3_599),
            range: .seconds(1) ... .seconds(86_400))
        logLevel = source.enumeration("DARAJA_SIM_LOG_LEVEL", default: LogLevel.info)
    }
}
