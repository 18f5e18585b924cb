import Foundation
import Testing

/// journald stuck: the daemon's standard error stops being read. Callbacks
/// must still be recorded and answered; log lines are what gives way, and
/// the loss is counted and announced once the reader is back.
@Suite struct StalledLogReaderTests {
    @Test func callbacksAreAnsweredWhileNothingReadsTheLog() async throws {
        try await withDaemon { daemon, database in
            daemon.logs.pauseReading()
            // A line per callback at `info`, some 170 bytes: 10,000 of them
            // are half as much again as the pipe's 64 KiB and the daemon's
            // 1 MiB queue together.
            let total = 10_000
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for worker in 0..<32 {
                    group.addTask {
                        var statuses: [Int] = []
                        for index in stride(from: worker, to: total, by: 32) {
                            let body = CallbackBodies.failure(
                                checkoutRequestID: CallbackBodies.checkoutID(index, run: "stall"))
                            statuses.append(
                                try await HTTPClient.shared.post(daemon.callbackURL, body).status)
                        }
                        return statuses
                    }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(statuses.count == total)
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(try database.count("mpesa.callbacks") == total)
            let dropped = try await daemon.metrics()["mpesa_log_lines_dropped_total"] ?? -1
            #expect(dropped > 0)

            // Back to reading: the first line that finds room in the queue
            // comes after a notice of the gap (earlier ones may still be
            // dropped while the queue empties).
            daemon.logs.resumeReading()
            let noticeMessage = "log lines dropped: the log reader fell behind"
            for attempt in 0..<100 {
                let body = CallbackBodies.failure(checkoutRequestID: "ws_CO_after_\(attempt)")
                #expect(try await HTTPClient.shared.post(daemon.callbackURL, body).status == 200)
                if daemon.logs.all.contains(where: { LogLines.message(of: $0) == noticeMessage }) {
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let notice = try await daemon.logs.first(message: noticeMessage)
            let lines = daemon.logs.all
            let noticeIndex = try #require(lines.firstIndex(of: notice))
            #expect(lines[(noticeIndex + 1)...].contains { $0.contains("ws_CO_after_") })
            let announced = lines.filter { LogLines.message(of: $0) == noticeMessage }
                .compactMap { LogLines.field("count", of: $0).flatMap { Double($0) } }
                .reduce(0, +)
            let droppedInAll = try await daemon.metrics()["mpesa_log_lines_dropped_total"] ?? -1
            #expect(announced == droppedInAll)
            #expect(droppedInAll >= dropped)
        }
    }
}
