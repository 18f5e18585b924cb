import Dispatch
import Foundation
import Locking
import ServiceKit
import Testing

/// The queue between the daemon's threads and standard error: nothing lost
/// or reordered while the reader keeps up, and a stalled reader costs lines,
/// counted and announced, never a blocked caller.
@Suite struct QueuedLogSinkTests {
    @Test func everyLineArrivesWholeAndInEachThreadsOrder() throws {
        let pipe = try Pipe()
        defer { pipe.close() }
        let reader = Reader(pipe)
        let sink = QueuedLogSink(fileDescriptor: pipe.writeEnd)

        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for number in 0..<5_000 {
                sink.write(Array("thread=\(thread) number=\(number)\n".utf8))
            }
        }
        #expect(sink.drain(timeout: .seconds(10)))
        pipe.closeWriteEnd()

        let lines = reader.lines()
        #expect(lines.count == 20_000)
        for thread in 0..<4 {
            let own = lines.filter { $0.hasPrefix("thread=\(thread) ") }
            #expect(own == (0..<5_000).map { "thread=\(thread) number=\($0)" })
        }
    }

    @Test func aStalledReaderCostsLinesNotTheCaller() throws {
        let pipe = try Pipe()
        defer { pipe.close() }
        let dropped = MetricsRegistry().counter("test_dropped_total", help: "dropped")
        let sink = QueuedLogSink(fileDescriptor: pipe.writeEnd, capacityBytes: 16_384)
        sink.countDrops(in: dropped)
        let total = 5_000
        let padding = String(repeating: "x", count: 80)

        // Nothing reads the pipe: once its 64 KiB are full the writer thread
        // waits, and 500 KB more would block any caller that wrote itself.
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            for number in 0..<total {
                sink.write(Array("number=\(number) \(padding)\n".utf8))
            }
            finished.signal()
        }
        #expect(finished.wait(timeout: .now() + 10) == .success, "a write waited for the reader")
        #expect(dropped.value > 0)

        // Once the reader has caught up, the next line gets through, after
        // a notice of what was lost.
        let reader = Reader(pipe)
        #expect(sink.drain(timeout: .seconds(10)))
        sink.write(Array("final\n".utf8))
        #expect(sink.drain(timeout: .seconds(10)))
        pipe.closeWriteEnd()
        let lines = reader.lines()

        let kept = lines.compactMap { line -> Int? in
            guard line.hasPrefix("number=") else { return nil }
            return Int(line.dropFirst(7).prefix { $0 != " " })
        }
        let notices = lines.filter { $0.contains("msg=\"log lines dropped") }
        let announced = notices.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("count=") }.flatMap {
                Int($0.dropFirst(6))
            }
        }
        // What was kept is in order, and every line is either kept or
        // announced, and counted in the metric.
        #expect(kept == kept.sorted())
        #expect(kept.count + announced.reduce(0, +) == total)
        #expect(announced.reduce(0, +) == dropped.value)
        #expect(notices.allSatisfy { $0.hasPrefix("<4>") })
        #expect(lines.last == "final")
        // The notice stands where the gap is: right after the last line kept before it.
        if let first = notices.first, let index = lines.firstIndex(of: first), index > 0 {
            #expect(lines[index - 1].hasPrefix("number="))
        }
    }

    @Test func drainGivesUpOnAReaderThatNeverReads() throws {
        let pipe = try Pipe()
        defer { pipe.close() }
        let sink = QueuedLogSink(fileDescriptor: pipe.writeEnd)
        pipe.fillWithNewlinesBlocking()
        sink.write(Array("waiting\n".utf8))

        #expect(!sink.drain(timeout: .milliseconds(200)))

        // Read, so that the writer thread is not left blocked on the pipe.
        let reader = Reader(pipe)
        #expect(sink.drain(timeout: .seconds(10)))
        pipe.closeWriteEnd()
        #expect(reader.lines().last == "waiting")
    }
}

/// Reads a pipe on a thread of its own from the moment it is made.
private final class Reader: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let text = Locked("")

    init(_ pipe: Pipe) {
        DispatchQueue.global().async { [done, text] in
            let contents = pipe.readAll()
            text.withLock { $0 = contents }
            done.signal()
        }
    }

    /// The lines read, once the write end is closed.
    func lines() -> [String] {
        done.wait()
        return text.withLock { $0 }.split(separator: "\n").map(String.init)
    }
}

extension Pipe {
    /// Fills a blocking pipe to the brim: makes the write end non-blocking
    /// while filling, then blocking again, as the sink's descriptor would be.
    fileprivate func fillWithNewlinesBlocking() {
        let flags = fcntl(writeEnd, F_GETFL)
        _ = fcntl(writeEnd, F_SETFL, flags | O_NONBLOCK)
        fillWithNewlines()
        _ = fcntl(writeEnd, F_SETFL, flags)
    }
}
