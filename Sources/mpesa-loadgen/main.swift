// mpesa-loadgen: sends a stream of distinct, realistic STK callbacks to one
// or more daemons and writes down every attempt and every 200, so that a
// fault-injection run can compare what was acknowledged with what is
// stored. Used by deploy/fault-injection/run.
import Foundation
import Locking
import ServiceKit
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

let usage = """
    usage: mpesa-loadgen --run ID --out DIR [--concurrency N] [--duration SECONDS]
                         [--repeat-share FRACTION]

    Sends callbacks to every URL in LOADGEN_TARGETS (comma-separated; the
    callback token is part of each URL, so it is read from the environment,
    never from the arguments) until the duration ends or SIGTERM arrives.
    Writes DIR/attempts (one checkout request id per request sent) and
    DIR/acknowledged (one per 200). About 70% are successes with full
    metadata, 30% cancellations; --repeat-share sends that fraction of the
    acknowledged successes again to another target, as a repeated delivery.
    """

/// Appends lines to a file from many tasks.
final class LineFile: Sendable {
    private let handle: Locked<FileHandle>

    init(path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw UsageError(problems: ["cannot write \(path)"])
        }
        self.handle = Locked(handle)
    }

    func append(_ line: String) {
        handle.withLock { $0.write(Data((line + "\n").utf8)) }
    }

    func close() {
        handle.withLock { handle in
            try? handle.synchronize()
            try? handle.close()
        }
    }
}

/// The callback bodies: unique checkout request ids and receipts per run.
enum Bodies {
    static func checkoutID(run: String, index: Int) -> String {
        "ws_CO_\(run)_\(index)"
    }

    /// `F`, the run's first four letters or digits, and the index in base
    /// 36: unique within a run and across runs with different ids.
    static func receipt(run: String, index: Int) -> String {
        let runPart = String(run.uppercased().filter { $0.isLetter || $0.isNumber }.prefix(4))
        let indexPart = String(index, radix: 36).uppercased()
        let width = 9 - runPart.count
        return "F" + runPart + String(repeating: "0", count: max(0, width - indexPart.count))
            + indexPart
    }

    static func isSuccess(_ index: Int) -> Bool { index % 10 < 7 }

    static func body(run: String, index: Int) -> Data {
        let checkout = checkoutID(run: run, index: index)
        guard isSuccess(index) else {
            return Data(
                """
                {"Body":{"stkCallback":{"MerchantRequestID":"29115-\(index)-1",\
                "CheckoutRequestID":"\(checkout)","ResultCode":1032,\
                "ResultDesc":"Request cancelled by user"}}}
                """.utf8)
        }
        let amount = "\(1 + index % 500).\(String(format: "%02d", index % 100))"
        return Data(
            """
            {"Body":{"stkCallback":{"MerchantRequestID":"29115-\(index)-1",\
            "CheckoutRequestID":"\(checkout)","ResultCode":0,\
            "ResultDesc":"The service request is processed successfully.",\
            "CallbackMetadata":{"Item":[{"Name":"Amount","Value":\(amount)},\
            {"Name":"MpesaReceiptNumber","Value":"\(receipt(run: run, index: index))"},\
            {"Name":"Balance"},{"Name":"TransactionDate","Value":20261203101500},\
            {"Name":"PhoneNumber","Value":254708374149}]}}}}
            """.utf8)
    }
}

/// One sending loop, shared by every concurrent task.
final class Worker: Sendable {
    let session: URLSession
    let targets: [URL]
    let runID: String
    let attempts: LineFile
    let acknowledged: LineFile
    let repeatShare: Double
    let deadline: ContinuousClock.Instant
    private let counter = Atomic<Int>(0)

    init(
        session: URLSession, targets: [URL], runID: String, attempts: LineFile,
        acknowledged: LineFile, repeatShare: Double, deadline: ContinuousClock.Instant
    ) {
        self.session = session
        self.targets = targets
        self.runID = runID
        self.attempts = attempts
        self.acknowledged = acknowledged
        self.repeatShare = repeatShare
        self.deadline = deadline
    }

    var sent: Int { counter.load(ordering: .relaxed) }

    func run() async {
        while ContinuousClock.now < deadline, !loadgenStopRequested.load(ordering: .relaxed) {
            let index = counter.wrappingAdd(1, ordering: .relaxed).oldValue
            let id = Bodies.checkoutID(run: runID, index: index)
            let body = Bodies.body(run: runID, index: index)
            attempts.append(id)
            guard await post(body, to: targets[index % targets.count]) == 200 else { continue }
            acknowledged.append(id)
            // Some successes are delivered again, to another daemon.
            guard Bodies.isSuccess(index), targets.count > 1,
                Double(index % 1_000) < repeatShare * 1_000
            else { continue }
            attempts.append(id)
            if await post(body, to: targets[(index + 1) % targets.count]) == 200 {
                acknowledged.append(id)
            }
        }
    }

    private func post(_ body: Data, to target: URL) async -> Int {
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        guard let (_, response) = try? await session.data(for: request) else { return 0 }
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}

func run() async -> ExitCode {
    let parser = CommandLineParser(
        options: ["run", "out", "concurrency", "duration", "repeat-share"])
    let arguments: ParsedCommandLine
    do {
        arguments = try parser.parse()
    } catch {
        FileHandle.standardError.write(Data("mpesa-loadgen: \(error)\n\(usage)\n".utf8))
        return .usage
    }
    if arguments.isSet("help") {
        print(usage)
        return .success
    }
    if arguments.isSet("version") {
        print("mpesa-loadgen \(ServiceVersion.current)")
        return .success
    }
    let targets = (ProcessInfo.processInfo.environment["LOADGEN_TARGETS"] ?? "")
        .split(separator: ",").compactMap { URL(string: String($0)) }
    guard let runID = arguments.value("run"), let out = arguments.value("out"), !targets.isEmpty
    else {
        FileHandle.standardError.write(
            Data("mpesa-loadgen: --run, --out and LOADGEN_TARGETS are required\n".utf8))
        return .usage
    }
    let concurrency = arguments.value("concurrency").flatMap { Int($0) } ?? 16
    let duration = arguments.value("duration").flatMap { Double($0) } ?? 30
    let repeatShare = arguments.value("repeat-share").flatMap { Double($0) } ?? 0

    let attempts: LineFile
    let acknowledged: LineFile
    do {
        attempts = try LineFile(path: out + "/attempts")
        acknowledged = try LineFile(path: out + "/acknowledged")
    } catch {
        FileHandle.standardError.write(Data("mpesa-loadgen: \(error)\n".utf8))
        return .failure
    }
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpMaximumConnectionsPerHost = concurrency
    configuration.timeoutIntervalForRequest = 10
    let worker = Worker(
        session: URLSession(configuration: configuration), targets: targets, runID: runID,
        attempts: attempts, acknowledged: acknowledged, repeatShare: repeatShare,
        deadline: .now + .milliseconds(Int(duration * 1_000)))
    signal(SIGTERM) { _ in loadgenStopRequested.store(true, ordering: .relaxed) }

    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<concurrency {
            group.addTask { await worker.run() }
        }
    }
    attempts.close()
    acknowledged.close()
    print("mpesa-loadgen: sent \(worker.sent) callbacks")
    return .success
}

let loadgenStopRequested = Atomic<Bool>(false)
exit(await run().rawValue)
