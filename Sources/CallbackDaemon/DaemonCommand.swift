import CallbackStore
import Foundation
import PostgresClient
import ServiceKit

/// The `mpesa-callbackd` command line: serve (the default), `migrate`,
/// `--check-config`, `--help` and `--version`.
public enum DaemonCommand {
    static let usage = """
        usage: mpesa-callbackd [--check-config]
               mpesa-callbackd migrate
               mpesa-callbackd --help | --version

        Receives Safaricom M-Pesa Express (STK push) callbacks on MPESA_LISTEN,
        records every result in PostgreSQL and answers once it is durable.
        Settings come from the environment; see the README's configuration table.

          migrate         apply pending database migrations and exit
          --check-config  validate the configuration, list every problem, exit 0 or 78
        """

    /// Runs the command given by `arguments` (without the program name).
    ///
    /// - Returns: the process exit code.
    public static func main(arguments: [String]) -> ExitCode {
        switch arguments {
        case ["--help"], ["-h"]:
            print(usage)
            return .success
        case ["--version"]:
            print("mpesa-callbackd \(ServiceVersion.current)")
            return .success
        case []:
            return serve(checkOnly: false)
        case ["--check-config"]:
            return serve(checkOnly: true)
        case ["migrate"]:
            return migrate()
        default:
            printError("mpesa-callbackd: unknown arguments: \(arguments.joined(separator: " "))")
            printError(usage)
            return .usage
        }
    }

    private static func loadConfiguration() -> DaemonConfiguration? {
        let source = ConfigurationSource()
        let configuration = DaemonConfiguration(source: source)
        do {
            try source.finish()
            return configuration
        } catch {
            printError("mpesa-callbackd: invalid configuration:\n\(error)")
            return nil
        }
    }

    private static func serve(checkOnly: Bool) -> ExitCode {
        guard let configuration = loadConfiguration() else { return .configuration }
        if checkOnly {
            print("mpesa-callbackd: configuration is valid")
            return .success
        }
        // The event loop logs: a queue keeps a stalled journald from stopping it.
        let logQueue = QueuedLogSink()
        defer { logQueue.drain() }
        let logger = Logger(level: configuration.logLevel, sink: logQueue)
        do {
            return try Daemon(configuration: configuration, logger: logger, logQueue: logQueue)
                .run()
        } catch {
            logger.critical("cannot start", [.error: error])
            return .failure
        }
    }

    private static func migrate() -> ExitCode {
        let source = ConfigurationSource()
        let databaseURL = source.secret("MPESA_DATABASE_URL") ?? Secret("postgresql:///mpesa")
        let logger = Logger(level: .info)
        do {
            try source.finish()
            try SchemaMigrationRunner.applyPending(databaseURL: databaseURL, logger: logger)
            return .success
        } catch let error as ConfigurationError {
            printError("mpesa-callbackd: invalid configuration:\n\(error)")
            return .configuration
        } catch {
            logger.error("migration failed", [.error: "\(error)"])
            return .failure
        }
    }

    private static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
