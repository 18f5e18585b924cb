import EventHTTP
import Foundation
import ServiceKit

/// Re-reads the configuration on SIGHUP and applies the settings that can
/// change without a restart, such as the log level and the tokens.
///
/// The whole configuration is read again from scratch, from the environment
/// and the credential files, and validated as at start-up. A configuration
/// with any problem is refused as a whole and the running one is kept. A
/// changed setting that needs a restart is logged and left as it was. Log
/// lines name the settings that changed, never their values.
///
/// Thread rules: `reload()` and the registration methods run on the loop
/// thread. The files are read on a thread of their own, so that a slow disk
/// cannot stall the loop, and the result is applied back on the loop.
final class ConfigurationReloader: @unchecked Sendable {
    /// Reads a fresh configuration; runs off the loop thread.
    typealias Reader = @Sendable () -> Result<DaemonConfiguration, ConfigurationError>

    private struct Setting {
        let name: String
        let hasChanged: (DaemonConfiguration, DaemonConfiguration) -> Bool
        /// Copies the new value into the configuration in force and acts on
        /// it; nil for a setting that needs a restart.
        let apply: ((inout DaemonConfiguration, DaemonConfiguration) -> Void)?
    }

    private let loop: EventLoop
    private let logger: Logger
    private let read: Reader
    private var current: DaemonConfiguration
    private var settings: [Setting] = []
    private var isReading = false
    private var isRequestedAgain = false

    /// Called when a reload starts and when it ends, whatever its result;
    /// the Boolean says whether a new configuration was applied.
    var onStart: (() -> Void)?
    var onFinish: ((Bool) -> Void)?

    init(
        current: DaemonConfiguration, loop: EventLoop, logger: Logger,
        read: @escaping Reader = ConfigurationReloader.readFromEnvironment
    ) {
        self.current = current
        self.loop = loop
        self.logger = logger
        self.read = read
        watchForRestart("MPESA_DATABASE_URL", \.databaseURL) { Self.secretsDiffer($0, $1) }
        watchForRestart("MPESA_LISTEN", \.listen, differs: !=)
        watchForRestart("MPESA_ADMIN_LISTEN", \.adminListen, differs: !=)
        watchForRestart("MPESA_MIGRATE_ON_START", \.migratesOnStart, differs: !=)
        watchForRestart("MPESA_COMMIT_DEADLINE", \.commitDeadline, differs: !=)
        watchForRestart("MPESA_MAX_BATCH_SIZE", \.maximumBatchSize, differs: !=)
        watchForRestart("MPESA_SHUTDOWN_GRACE", \.shutdownGracePeriod, differs: !=)
    }

    /// Reads the configuration as the daemon does at start-up.
    static func readFromEnvironment() -> Result<DaemonConfiguration, ConfigurationError> {
        let source = ConfigurationSource()
        let configuration = DaemonConfiguration(source: source)
        do {
            try source.finish()
            return .success(configuration)
        } catch {
            return .failure(error)
        }
    }

    /// Declares a setting that a reload applies: when its value differs,
    /// `apply` gets the new one, on the loop thread.
    func onChange<Value>(
        of name: String, _ keyPath: WritableKeyPath<DaemonConfiguration, Value>,
        differs: @escaping (Value, Value) -> Bool, apply: @escaping (Value) -> Void
    ) {
        settings.removeAll { $0.name == name }
        settings.append(
            Setting(
                name: name, hasChanged: { differs($0[keyPath: keyPath], $1[keyPath: keyPath]) },
                apply: { inForce, new in
                    inForce[keyPath: keyPath] = new[keyPath: keyPath]
                    apply(new[keyPath: keyPath])
                }))
    }

    /// Declares a setting read only at start-up: a reload that finds it
    /// changed says so and leaves it.
    func watchForRestart<Value>(
        _ name: String, _ keyPath: KeyPath<DaemonConfiguration, Value>,
        differs: @escaping (Value, Value) -> Bool
    ) {
        settings.append(
            Setting(
                name: name, hasChanged: { differs($0[keyPath: keyPath], $1[keyPath: keyPath]) },
                apply: nil))
    }

    /// Whether two secrets, either possibly unset, hold different values.
    static func secretsDiffer(_ old: Secret?, _ new: Secret?) -> Bool {
        old?.exposedValue != new?.exposedValue
    }

    /// Starts a reload; a request during one runs again once it is over.
    func reload() {
        guard !isReading else {
            isRequestedAgain = true
            return
        }
        isReading = true
        onStart?()
        logger.notice("reload requested", [.signal: "SIGHUP"])
        let thread = Thread { [self, read] in
            let result = read()
            loop.execute { [self] in finish(result) }
        }
        thread.name = "configuration reload"
        thread.start()
    }

    private func finish(_ result: Result<DaemonConfiguration, ConfigurationError>) {
        isReading = false
        switch result {
        case .success(let configuration):
            apply(configuration)
            onFinish?(true)
        case .failure(let error):
            logger.error("configuration reload refused; the running one is kept", [.error: error])
            onFinish?(false)
        }
        if isRequestedAgain {
            isRequestedAgain = false
            reload()
        }
    }

    private func apply(_ configuration: DaemonConfiguration) {
        let changed = settings.filter { $0.hasChanged(current, configuration) }
        for setting in changed where setting.apply == nil {
            logger.warning(
                "setting changed; it takes effect at the next restart", [.setting: setting.name])
        }
        let applied = changed.filter { $0.apply != nil }
        // Logged before applying: a log level raised by this reload would
        // otherwise hide the line that reports it.
        logger.notice(
            "configuration reloaded", [.changed: applied.map(\.name).joined(separator: ",")])
        for setting in applied {
            setting.apply?(&current, configuration)
        }
    }
}
