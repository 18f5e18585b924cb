import Foundation
import Glibc
import ServiceKit
import Testing

@Suite struct LoggerTests {
    @Test func writesPrefixMessageAndFieldsInTheGivenOrder() {
        let sink = CapturingSink()
        let logger = Logger(sink: sink).withFields([.requestID: "r1"])

        logger.info(
            "callback recorded",
            [.checkoutRequestID: "ws_CO_1", .outcome: "success", .durationMS: 2.31])

        let expected =
            "<6>msg=\"callback recorded\" request_id=r1 checkout_request_id=ws_CO_1"
            + " outcome=success duration_ms=2.31\n"
        #expect(sink.captured == [expected])
    }

    @Test func aForgedLineInAValueStaysInsideOneLine() {
        let sink = CapturingSink()
        let logger = Logger(sink: sink)

        logger.warning("callback rejected", [.reason: "\n<3>msg=\"forged\""])

        #expect(sink.output.split(separator: "\n", omittingEmptySubsequences: false).count == 2)
        #expect(sink.output == "<4>msg=\"callback rejected\" reason=\"\\n<3>msg=\\\"forged\\\"\"\n")
    }

    @Test func eachLevelUsesItsOwnPrefix() {
        let sink = CapturingSink()
        let logger = Logger(level: .debug, sink: sink)

        logger.debug("a")
        logger.info("b")
        logger.notice("c")
        logger.warning("d")
        logger.error("e")
        logger.critical("f")

        let expected = [
            "<7>msg=a\n", "<6>msg=b\n", "<5>msg=c\n", "<4>msg=d\n", "<3>msg=e\n", "<2>msg=f\n",
        ]
        #expect(sink.captured == expected)
    }

    @Test func levelsBelowTheFilterAreDropped() {
        let sink = CapturingSink()
        let logger = Logger(level: .warning, sink: sink)

        logger.info("dropped")
        logger.notice("dropped")
        logger.warning("kept")
        logger.critical("kept")

        #expect(sink.captured == ["<4>msg=kept\n", "<2>msg=kept\n"])
        #expect(!logger.isEnabled(.notice))
        #expect(logger.isEnabled(.error))
    }

    @Test func changingTheLevelReachesCopiesAndChildLoggers() {
        let sink = CapturingSink()
        let root = Logger(level: .info, sink: sink)
        let child = root.withFields([.listener: "public"])

        child.debug("before")
        root.setLevel(.debug)
        child.debug("after")

        #expect(child.level == .debug)
        #expect(sink.captured == ["<7>msg=after listener=public\n"])
    }

    @Test func fieldsAreNotEvaluatedWhenTheLevelIsFilteredOut() {
        let logger = Logger(level: .info, sink: CapturingSink())
        var evaluations = 0
        func expensive() -> Int {
            evaluations += 1
            return 42
        }

        logger.debug("detail", [.count: expensive()])
        logger.info("summary", [.count: expensive()])

        #expect(evaluations == 1)
    }

    @Test func valuesOfEachKindAreFormatted() {
        struct Outcome: CustomStringConvertible {
            var description: String { "duplicate" }
        }
        let sink = CapturingSink()
        let logger = Logger(sink: sink)

        logger.info(
            "values",
            [
                .count: 3, .attempt: -2, .state: true, .durationMS: 0.125, .delayMS: 1.0e20,
                .depth: FixedDecimal(1.23456, decimals: 4), .outcome: Outcome(),
                .version: Float(0.5), .path: "/stk"[...],
            ])

        let expected =
            "<6>msg=values count=3 attempt=-2 state=true duration_ms=0.13 delay_ms=1e+20"
            + " depth=1.2346 outcome=duplicate version=0.50 path=/stk\n"
        #expect(sink.output == expected)
    }

    @Test func aSecretValueIsRedacted() {
        let sink = CapturingSink()
        let logger = Logger(sink: sink).withFields([.setting: Secret("context-secret")])

        logger.error("token mismatch", [.error: Secret("hunter2")])

        #expect(sink.output == "<3>msg=\"token mismatch\" setting=<redacted> error=<redacted>\n")
    }

    @Test func aLineNeverGrowsPastFourKilobytes() {
        let sink = CapturingSink()
        let logger = Logger(sink: sink)
        let big = String(repeating: "x", count: 600)

        logger.info(
            "many fields",
            [
                .old: big, .new: big, .path: big, .reason: big, .error: big, .state: big,
                .source: big, .address: big, .method: "last",
            ])

        let line = sink.output
        #expect(line.utf8.count <= 4_096)
        #expect(line.hasSuffix(" dropped_fields=2\n"))
        #expect(line.filter { $0 == "\n" }.count == 1)
    }

    @Test func theStandardSinkWritesWholeLinesToADescriptor() throws {
        let pipe = try Pipe()
        defer { pipe.close() }
        let logger = Logger(sink: FileDescriptorLogSink(fileDescriptor: pipe.writeEnd))

        logger.notice("service started", [.version: "0.1.0"])
        pipe.closeWriteEnd()

        #expect(pipe.readAll() == "<5>msg=\"service started\" version=0.1.0\n")
    }

    @Test func linesFromManyThreadsDoNotInterleave() throws {
        let pipe = try Pipe()
        defer { pipe.close() }
        let logger = Logger(sink: FileDescriptorLogSink(fileDescriptor: pipe.writeEnd))
        let padding = String(repeating: "p", count: 200)

        // The pipe holds 64 KiB and the threads write far more, so a reader drains it
        // while they write.
        let reader = pipe.startReading()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<500 {
                logger.info("line", [.count: thread, .attempt: index, .state: padding])
            }
        }
        pipe.closeWriteEnd()
        let lines = reader.wait().split(separator: "\n")

        #expect(lines.count == 4_000)
        let malformed = lines.filter { line in
            !line.hasPrefix("<6>msg=line count=") || !line.hasSuffix(" state=" + padding)
        }
        #expect(malformed.isEmpty)
    }

    @Test func aFullNonBlockingDescriptorIsWaitedOnNotDropped() throws {
        let pipe = try Pipe()
        defer { pipe.close() }
        let flags = fcntl(pipe.writeEnd, F_GETFL)
        try #require(fcntl(pipe.writeEnd, F_SETFL, flags | O_NONBLOCK) == 0)
        let logger = Logger(sink: FileDescriptorLogSink(fileDescriptor: pipe.writeEnd))

        // The pipe starts full and the reader takes one byte at a time, far slower than
        // the logger writes, so writes keep failing with EAGAIN; no line may be lost.
        pipe.fillWithNewlines()
        let reader = pipe.startReading(bytesPerRead: 1)
        for index in 0..<3_000 {
            logger.info("line", [.count: index])
        }
        pipe.closeWriteEnd()
        let lines = reader.wait().split(separator: "\n").map(String.init)

        #expect(lines == (0..<3_000).map { "<6>msg=line count=\($0)" })
    }
}
