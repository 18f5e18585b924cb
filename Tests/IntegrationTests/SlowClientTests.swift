import Foundation
import ServiceKit
import Testing

/// Clients that connect and then take their time: the connection cap makes
/// room for newcomers, the request deadline ends a trickled request, and
/// real callbacks get through a thousand slow connections.
@Suite struct SlowClientTests {
    private var callbackPath: String { "/stk/callback/\(DaemonProcess.callbackToken)" }

    @Test func atTheCapANewClientMakesTheLongestWaitingConnectionGo() async throws {
        try await withDaemon(environment: ["MPESA_MAX_CONNECTIONS": "16"]) { daemon, database in
            let port = daemon.publicPort
            let idle = try (0..<16).map { _ in try RawHTTPConnection(port: port) }
            let mark = daemon.logs.all.count

            let body = CallbackBodies.failure(checkoutRequestID: "ws_CO_over_cap")
            #expect(try await daemon.postCallback(body)?.status == 200)
            let oldest = idle[0]
            #expect(try await RawHTTPConnection.perform { oldest.waitForClose() })

            let line = try await daemon.logs.first(message: "connections dropped", from: mark)
            #expect(LogLines.field("over_cap", of: line) == "1")
            #expect(LogLines.field("listener", of: line) == "public")
            // The others were left alone, and one of them is served as usual.
            #expect(idle.dropFirst().allSatisfy { !$0.isReadable })
            let request =
                "POST \(callbackPath) HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + "\(body.count)\r\n\r\n" + String(decoding: body, as: UTF8.self)
            let second = idle[1]
            let answer = try await RawHTTPConnection.perform {
                second.write(request)
                return second.readResponse()?.status
            }
            #expect(answer == 200)
            #expect(try database.count("mpesa.callbacks") == 2)
            let metrics = try await daemon.metrics()
            let dropped =
                #"mpesa_http_connections_dropped_total{listener="public",reason="connection_cap"}"#
            #expect(metrics[dropped] == 1)
        }
    }

    @Test func aRequestStillIncompleteAtItsDeadlineIsDroppedAndAnIdleOneIsNot() async throws {
        try await withDaemon(environment: ["MPESA_REQUEST_DEADLINE": "1s"]) { daemon, database in
            let port = daemon.publicPort
            let idle = try RawHTTPConnection(port: port)
            let slow = try RawHTTPConnection(port: port)
            let head = Array("POST \(callbackPath) HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".utf8)
            let started = ContinuousClock.now

            let trickler = Thread {
                var sent = 0
                // One byte every 100 ms: the attack's pace, not a wait.
                while slow.write([sent < head.count ? head[sent] : UInt8(ascii: "a")]) {
                    sent += 1
                    Thread.sleep(forTimeInterval: 0.1)
                }
            }
            trickler.start()
            #expect(try await RawHTTPConnection.perform { slow.waitForClose() })
            #expect(ContinuousClock.now - started >= .seconds(1))

            let line = try await daemon.logs.first(message: "connections dropped")
            #expect(LogLines.field("past_deadline", of: line) == "1")
            // The idle connection sent nothing for longer than the deadline: it is
            // still open, and its request is answered.
            #expect(!idle.isReadable)
            let body = CallbackBodies.failure(checkoutRequestID: "ws_CO_after_idle")
            let request =
                "POST \(callbackPath) HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + "\(body.count)\r\n\r\n" + String(decoding: body, as: UTF8.self)
            let status = try await RawHTTPConnection.perform {
                idle.write(request)
                return idle.readResponse()?.status
            }
            #expect(status == 200)
            #expect(try database.count("mpesa.callbacks") == 1)
        }
    }

    @Test func aThousandCallbacksGetThroughAThousandSlowConnections() async throws {
        try OpenFileLimit.raiseToHardLimit()
        // Under AddressSanitizer freed memory stays resident in its quarantine
        // (256 MiB by default), which would be measured as growth here.
        var environment: [String: String] = [:]
        if let options = ProcessInfo.processInfo.environment["ASAN_OPTIONS"] {
            environment["ASAN_OPTIONS"] = options + ":quarantine_size_mb=4"
        }
        try await withDaemon(environment: environment) { daemon, database in
            let pid = try #require(daemon.child?.pid)
            let before = try ProcessMemory(pid: pid)
            let attack = SlowClients(port: daemon.publicPort, count: 1_000, path: callbackPath)
            attack.start()
            defer { attack.stop() }
            await attack.waitUntilOpened(1_000)

            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                var statuses: [Int] = []
                for index in 0..<1_000 {
                    if index >= 64, let status = try await group.next() {
                        statuses.append(status)
                    }
                    group.addTask {
                        let body =
                            index % 10 < 7
                            ? CallbackBodies.success(
                                checkoutRequestID: CallbackBodies.checkoutID(index, run: "slow"),
                                receipt: CallbackBodies.receipt(index, prefix: "L"))
                            : CallbackBodies.failure(
                                checkoutRequestID: CallbackBodies.checkoutID(index, run: "slow"))
                        return try await HTTPClient.shared.post(daemon.callbackURL, body).status
                    }
                }
                for try await status in group {
                    statuses.append(status)
                }
                return statuses
            }
            let after = try ProcessMemory(pid: pid)

            #expect(statuses.count == 1_000)
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(try database.count("mpesa.callbacks") == 1_000)
            #expect(try database.count("mpesa.payments") == 700)
            // The cap made room by dropping slow connections, which came back.
            #expect(attack.reconnections > 0)
            let metrics = try await daemon.metrics()
            let open = try #require(metrics[#"mpesa_http_connections_open{listener="public"}"#])
            #expect(open <= 1_024)
            let growthMiB = (after.peakResidentKiB - before.residentKiB) / 1_024
            #expect(growthMiB < 64, "resident memory grew by \(growthMiB) MiB")
            print(
                "slow clients: resident \(before.residentKiB / 1_024) MiB before, peak "
                    + "\(after.peakResidentKiB / 1_024) MiB; \(attack.reconnections) reconnections")
        }
    }
}
