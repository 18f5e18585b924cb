import EventHTTP
import Foundation
import Locking
import PostgresClient
import Testing

/// A database named by host name: the event loop keeps turning while the
/// name is looked up, the connection is made to the address found, and a
/// lookup that outlives its attempt is dropped.
@Suite struct DatabaseHostLookupTests {
    @Test func connectsOverTCPToTheAddressALookupFound() async throws {
        try await withPasswordRole { connectionString in
            // The real resolver, for the name libpq would have looked up itself.
            let events = try await connectOnce(
                "host=localhost " + connectionString, lookUp: HostLookup.run)
            #expect(events.states.last == .ready, "\(events.errors)")
        }
    }

    @Test func theLoopKeepsTurningWhileANameIsLookedUp() async throws {
        try await withPasswordRole { connectionString in
            let lookups = Locked(0)
            let events = try await connectOnce(
                "host=db.lookup.invalid " + connectionString, tickEvery: .milliseconds(50)
            ) { names in
                lookups.withLock { $0 += 1 }
                Thread.sleep(forTimeInterval: 1)
                return HostLookup(
                    addresses: Dictionary(uniqueKeysWithValues: names.map { ($0, ["127.0.0.1"]) }))
            }
            #expect(events.states.last == .ready, "\(events.errors)")
            #expect(lookups.withLock { $0 } == 1)
            // A blocking lookup on the loop would have held every tick back
            // until it returned: about twenty fit into the second it took.
            #expect(events.ticksBeforeReady >= 10, "ticks before ready: \(events.ticksBeforeReady)")
        }
    }

    @Test func aLookupThatOutlivesItsAttemptIsDroppedAndTheNextAttemptConnects() async throws {
        try await withPasswordRole { connectionString in
            let lookups = Locked(0)
            let events = try await connectOnce(
                "host=db.lookup.invalid " + connectionString, connectTimeout: .milliseconds(300),
                // Open until well after the first lookup has come back.
                holdFor: .milliseconds(1500)
            ) { names in
                // The first lookup takes longer than the connect timeout.
                let number = lookups.withLock { count in
                    count += 1
                    return count
                }
                if number == 1 {
                    Thread.sleep(forTimeInterval: 1)
                }
                return HostLookup(
                    addresses: Dictionary(uniqueKeysWithValues: names.map { ($0, ["127.0.0.1"]) }))
            }
            #expect(events.states.last == .ready)
            #expect(events.errors.first == "connect: timed out")
            #expect(lookups.withLock { $0 } >= 2)
            // The first lookup came back while the connection was ready; it
            // must not have started a second connection or changed the state.
            #expect(events.statesAfterReady == 0, "\(events.states)")
        }
    }

    @Test func aNameThatDoesNotResolveIsReportedAndRetried() async throws {
        try await withPasswordRole { connectionString in
            let events = try await connectOnce(
                "host=db.lookup.invalid " + connectionString, until: { $0.errors.count >= 2 }
            ) { names in
                HostLookup(
                    failures: Dictionary(
                        uniqueKeysWithValues: names.map {
                            (
                                $0,
                                "could not translate host name \($0) to an address: Name or service not known"
                            )
                        }))
            }
            #expect(!events.states.contains(.ready))
            #expect(
                events.errors.first
                    == "resolve: could not translate host name db.lookup.invalid to an address: Name or service not known"
            )
            #expect(!events.errors.joined().contains("lookup-secret"))
        }
    }
}

/// What one connection reported, gathered on its loop until the test closes it.
private final class ConnectionEvents: Sendable {
    private struct Record {
        var states: [PostgresConnection.State] = []
        var errors: [String] = []
        var ticks = 0
        var ticksAtReady: Int?
        var statesAfterReady = 0
        var isFinished = false
    }

    private let record = Locked(Record())

    var states: [PostgresConnection.State] { record.withLock { $0.states } }
    var errors: [String] { record.withLock { $0.errors } }
    /// Loop timer ticks counted before the connection was first ready.
    var ticksBeforeReady: Int { record.withLock { $0.ticksAtReady ?? -1 } }
    /// State changes after the first `.ready`.
    var statesAfterReady: Int { record.withLock { $0.statesAfterReady } }

    func changed(to state: PostgresConnection.State, _ error: PostgresError?) {
        record.withLock { record in
            guard !record.isFinished else { return }
            if record.ticksAtReady != nil {
                record.statesAfterReady += 1
            }
            record.states.append(state)
            if let error {
                record.errors.append(error.description)
            }
            if state == .ready, record.ticksAtReady == nil {
                record.ticksAtReady = record.ticks
            }
        }
    }

    func tick() {
        record.withLock { $0.ticks += 1 }
    }

    /// Stops recording, before the test closes the connection.
    func finish() {
        record.withLock { $0.isFinished = true }
    }
}

/// Creates a LOGIN role with a password (the test cluster asks for one over
/// TCP) and calls `body` with the keyword/value settings, all but `host`,
/// that reach the test database as that role.
private func withPasswordRole(_ body: (String) async throws -> Void) async throws {
    let database = try TestDatabase()
    defer { database.drop() }
    let clusterURL = try TestEnvironment.databaseURL()
    guard
        let port = URLComponents(string: clusterURL)?.queryItems?.first(where: { $0.name == "port" }
        )?.value
    else { throw TestSetupError("the test database URL names no port") }
    let role = "lookup_" + UUID().uuidString.prefix(8).lowercased()
    let password = "lookup-secret-" + UUID().uuidString.prefix(8)
    let admin = try BlockingPostgresConnection(connectionString: clusterURL)
    try admin.execute(script: "CREATE ROLE \(role) LOGIN PASSWORD '\(password)'")
    defer { _ = try? admin.execute(script: "DROP ROLE IF EXISTS \(role)") }
    try await body("port=\(port) dbname=\(database.name) user=\(role) password=\(password)")
}

/// Starts a `PostgresConnection` for `connectionString` on a loop of its own,
/// with a loop timer ticking every `tickEvery`, and returns what it reported
/// once `until` holds (by default: it is ready) and `holdFor` more has
/// passed, or fails after 20 s.
private func connectOnce(
    _ connectionString: String, connectTimeout: Duration = .seconds(5),
    tickEvery: Duration = .milliseconds(50), holdFor: Duration = .zero,
    until done: @escaping @Sendable (ConnectionEvents) -> Bool = { $0.states.contains(.ready) },
    lookUp: @escaping @Sendable ([String]) -> HostLookup
) async throws -> ConnectionEvents {
    let loop = try EventLoop()
    let stopped = DispatchSemaphore(value: 0)
    loop.runOnNewThread { stopped.signal() }
    let events = ConnectionEvents()
    let held = Locked<(PostgresConnection?, LoopEvent?)>((nil, nil))
    loop.execute {
        let connection = PostgresConnection(
            loop: loop,
            options: PostgresConnection.Options(
                connectionString: connectionString, statements: [],
                connectTimeout: connectTimeout, minimumRetryDelay: .milliseconds(50),
                maximumRetryDelay: .milliseconds(200), lookUpHosts: lookUp))
        connection.onStateChange = { state, error in events.changed(to: state, error) }
        let ticker = try? LoopEvent.timer(on: loop, after: tickEvery, repeats: true) {
            events.tick()
        }
        held.withLock { $0 = (connection, ticker) }
        connection.start()
    }
    defer {
        events.finish()
        loop.execute {
            held.withLock { held in
                held.0?.close()
                held = (nil, nil)
            }
            loop.stop()
        }
        stopped.wait()
    }
    try await waitUntil("the connection's events", timeout: .seconds(20)) { done(events) }
    try await Task.sleep(for: holdFor)
    return events
}
