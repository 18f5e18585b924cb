import Foundation
import MpesaCore
import ServiceKit
import StkSender

/// The `mpesa-stk` command line: `push`, `query`, `--help`, `--version`.
enum StkCommand {
    static let usage = """
        usage: mpesa-stk push --phone P --amount A --reference R [--description D]
               mpesa-stk query CHECKOUT_REQUEST_ID
               mpesa-stk --help | --version

        Starts an M-Pesa Express (STK) push through Daraja and records it in
        mpesa.stk_requests, or asks Daraja's STK query API about one.
        Settings come from the environment (MPESA_DATABASE_URL and DARAJA_*);
        see the README's configuration table.

          push   --phone       07XXXXXXXX, 01XXXXXXXX, +2547…, 2547… or 7XXXXXXXX
                 --amount      whole shillings, at least 1
                 --reference   AccountReference, 1 to 12 characters
                 --description TransactionDesc, 1 to 13 characters (default Payment)
                 prints the recorded request as JSON
          query  prints Daraja's answer as JSON

        exit status: 0 accepted (or answered), 1 refused by Daraja, 64 usage,
        65 invalid push, 69 database or OAuth unavailable, 75 push sent but
        outcome unknown (never resent by itself), 78 bad configuration
        """

    /// How long to wait for PostgreSQL before giving up.
    static let databaseTimeout = Duration.seconds(10)

    /// Runs the command given by `arguments` (without the program name).
    static func main(arguments: [String]) async -> ExitCode {
        let parser = CommandLineParser(options: ["phone", "amount", "reference", "description"])
        let parsed: ParsedCommandLine
        do {
            parsed = try parser.parse(arguments)
        } catch {
            return usageError("\(error)")
        }
        if parsed.isSet("help") {
            print(usage)
            return .success
        }
        if parsed.isSet("version") {
            print("mpesa-stk \(ServiceVersion.current)")
            return .success
        }

        switch parsed.positional.first {
        case "push" where parsed.positional.count == 1:
            guard let order = order(from: parsed) else {
                return usageError("push needs --phone, --amount and --reference")
            }
            // Checked before anything is configured or connected: a typo
            // gets its answer even without a database.
            if case .failure(let invalid) = StkPush.validate(order) {
                return failed(.invalid(invalid))
            }
            return await withSender { sender in await push(order, with: sender) }
        case "query" where parsed.positional.count == 2 && parsed.values.isEmpty:
            let checkoutRequestID = parsed.positional[1]
            return await withSender { sender in await query(checkoutRequestID, with: sender) }
        default:
            return usageError("expected push with its options, or query CHECKOUT_REQUEST_ID")
        }
    }

    private static func order(from parsed: ParsedCommandLine) -> StkPushOrder? {
        guard let phone = parsed.value("phone"), let amount = parsed.value("amount"),
            let reference = parsed.value("reference")
        else {
            return nil
        }
        return StkPushOrder(
            phone: phone, amount: amount, accountReference: reference,
            transactionDescription: parsed.value("description"))
    }

    /// Reads the configuration, connects, runs `body` with a sender and closes.
    private static func withSender(
        _ body: (StkSender) async -> ExitCode
    ) async -> ExitCode {
        let source = ConfigurationSource()
        let databaseURL = source.secret("MPESA_DATABASE_URL") ?? Secret("postgresql:///mpesa")
        let logLevel = source.enumeration("MPESA_LOG_LEVEL", default: LogLevel.warning)
        let configuration = SenderConfiguration.required(from: source)
        do {
            try source.finish()
        } catch {
            printError("mpesa-stk: invalid configuration:\n\(error)")
            return .configuration
        }

        let logger = Logger(level: logLevel)
        let database: CommandDatabase
        do {
            database = try await CommandDatabase.open(
                url: databaseURL, statements: StkSender.statements, timeout: databaseTimeout)
        } catch {
            printError("mpesa-stk: database unavailable: \(error)")
            return .unavailable
        }
        let sender = StkSender(
            configuration: configuration, database: database.async, logger: logger)
        let status = await body(sender)
        await database.close()
        return status
    }

    private static func push(_ order: StkPushOrder, with sender: StkSender) async -> ExitCode {
        let record: StkRequestRecord
        do {
            record = try await sender.push(order)
        } catch {
            return failed(error)
        }

        printOutput(record.jsonBytes())
        let code = record.errorCode ?? ""
        let message = record.errorMessage ?? ""
        switch record.state {
        case .accepted:
            return .success
        case .unknown:
            printError(
                "mpesa-stk: push sent, outcome unknown (\(code): \(message)); "
                    + "it is not sent again: a retry could prompt the customer twice")
            return .outcomeUnknown
        default:
            printError("mpesa-stk: push refused: \(code) \(message)")
            return .failure
        }
    }

    private static func query(_ checkoutRequestID: String, with sender: StkSender) async
        -> ExitCode
    {
        do {
            let result = try await sender.query(checkoutRequestID: checkoutRequestID)
            printOutput(result.jsonBytes(checkoutRequestID: checkoutRequestID))
            return .success
        } catch {
            return failed(error)
        }
    }

    private static func failed(_ error: StkSenderError) -> ExitCode {
        switch error {
        case .invalid(let invalid):
            for problem in invalid.problems {
                printError("mpesa-stk: \(problem)")
            }
            return .invalidInput
        case .tokenUnavailable, .database:
            printError("mpesa-stk: \(error); nothing was sent")
            return .unavailable
        case .notRecorded, .queryFailed:
            printError("mpesa-stk: \(error)")
            return .failure
        }
    }

    private static func usageError(_ message: String) -> ExitCode {
        printError("mpesa-stk: \(message)\n\n\(usage)")
        return .usage
    }

    private static func printOutput(_ json: [UInt8]) {
        FileHandle.standardOutput.write(Data(json + [UInt8(ascii: "\n")]))
    }

    private static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
