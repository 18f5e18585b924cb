import EventHTTP
import Foundation
import Glibc
import ServiceKit

/// The `daraja-sim` command line.
public enum SimulatorCommand {
    static let usage = """
        usage: daraja-sim [--listen HOST:PORT] [--callback-delay D] [--slow-answer-delay D]
                          [--token-lifetime D] [--log-level LEVEL]
               daraja-sim --help | --version

        A local stand-in for Safaricom's Daraja API (OAuth, STK push, STK query
        and callbacks) for development and tests, with no Safaricom account.
        The app's credentials come from the environment or credential files,
        never from flags: DARAJA_CONSUMER_KEY, DARAJA_CONSUMER_SECRET,
        DARAJA_SHORTCODE and DARAJA_PASSKEY, the same variables the sender reads.

          --listen             address to serve (DARAJA_SIM_LISTEN, default 127.0.0.1:8090)
          --callback-delay     time the simulated customer takes (DARAJA_SIM_CALLBACK_DELAY, 2s)
          --slow-answer-delay  answer delay for phones ending 9991
                               (DARAJA_SIM_SLOW_ANSWER_DELAY, 60s)
          --token-lifetime     expires_in of each token (DARAJA_SIM_TOKEN_LIFETIME, 3599s)
          --log-level          debug, info, notice, warning, error (DARAJA_SIM_LOG_LEVEL, info)

        The last four digits of a push's phone number choose its outcome:
          0001 insufficient funds (1)   1019 expired (1019)   1032 cancelled (1032)
          1037 unreachable (1037)       2001 wrong PIN (2001)
          9990 paid, callback never sent
          9991 paid, answer to the push delayed by --slow-answer-delay
          9992 paid, callback sent twice
          9993 cancelled (1032), callback never sent
          anything else: paid
        POST /simulator/invalidate-token invalidates the current access token.
        """

    /// Runs the simulator until SIGTERM or SIGINT.
    ///
    /// - Parameter arguments: the process's arguments without the program name.
    /// - Returns: the process exit code.
    public static func main(arguments: [String]) -> ExitCode {
        let parser = CommandLineParser(
            options: Array(SimulatorConfiguration.flagVariables.keys))
        let parsed: ParsedCommandLine
        do {
            parsed = try parser.parse(arguments)
        } catch {
            printError("daraja-sim: \(error)\n\n\(usage)")
            return .usage
        }
        if parsed.isSet("help") {
            print(usage)
            return .success
        }
        if parsed.isSet("version") {
            print("daraja-sim \(ServiceVersion.current)")
            return .success
        }
        guard parsed.positional.isEmpty else {
            printError("daraja-sim: unexpected arguments\n\n\(usage)")
            return .usage
        }

        // A flag sets the variable it stands for, so that both are read,
        // checked and reported the same way.
        var environment = ProcessInfo.processInfo.environment
        for (flag, variable) in SimulatorConfiguration.flagVariables {
            if let value = parsed.value(flag) {
                environment[variable] = value
            }
        }
        let source = ConfigurationSource(environment: environment)
        let configuration = SimulatorConfiguration(source: source)
        do {
            try source.finish()
        } catch {
            printError("daraja-sim: invalid configuration:\n\(error)")
            return .configuration
        }
        return serve(configuration)
    }

    private static func serve(_ configuration: SimulatorConfiguration) -> ExitCode {
        let logger = Logger(level: configuration.logLevel)
        do {
            let loop = try EventLoop()
            let simulator = DarajaSimulator(
                configuration: configuration, loop: loop, logger: logger)
            try simulator.start()
            var signals: [LoopEvent] = []
            for signal in [SIGTERM, SIGINT] {
                signals.append(
                    try LoopEvent.signal(signal, on: loop) {
                        simulator.stop()
                        loop.stop()
                    })
            }
            loop.run()
            withExtendedLifetime(signals) {}
            logger.notice("stopped")
            return .success
        } catch {
            logger.critical("cannot start", [.error: error])
            return .failure
        }
    }

    private static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
