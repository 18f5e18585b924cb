import CLibEvent
import Glibc

/// The connections an `HTTPServer` holds open, followed so that their number stays under
/// a cap and a client that takes too long to send its request is dropped.
///
/// libevent 2.1's evhttp has neither: its timeout counts inactivity, so a client that
/// sends one byte of its request head now and then keeps a connection, and its memory,
/// for as long as it likes. The table adds both without touching evhttp's objects:
///
/// - The server's bufferevent callback hands over each accepted connection's buffer
///   event. The table takes a reference on it, so that it may be asked about until the
///   table lets go, and watches its input buffer for the first byte of each request.
/// - On the same turn of the loop, once evhttp has set its own callbacks on the buffer
///   event, the table reads back their argument, evhttp's connection, and asks evhttp to
///   say when that connection closes. That argument is evhttp's connection in every
///   libevent 2.1 and 2.2 release; the closing tests in `IntegrationTests` would see a
///   change.
/// - A connection is dropped by shutting down its socket: evhttp reads end of file and
///   frees the connection by itself. Nothing here frees what evhttp owns.
///
/// A connection is *waiting* while no handler holds one of its requests. At the cap, a
/// new connection makes the one that has waited longest go (never one being answered,
/// nor one whose answer is still being written); if every connection is being answered,
/// the new one goes. A sweep drops connections whose request is still incomplete
/// `requestDeadline` after its first byte.
///
/// Ownership: holds one reference on each connection's bufferevent until evhttp has
/// closed the connection. Thread rules: loop thread only.
final class ConnectionTable {
    /// One connection and what the table knows about it.
    final class Connection {
        fileprivate let bufferEvent: OpaquePointer
        fileprivate unowned let table: ConnectionTable
        /// evhttp's connection, once known.
        fileprivate var owner: OpaquePointer?
        fileprivate var inputWatch: OpaquePointer?
        /// A handler holds one of this connection's requests.
        fileprivate var isAnswering = false
        /// Since when no handler has held a request of this connection.
        fileprivate var waitingSince: ContinuousClock.Instant
        /// When the first byte of the request being read arrived.
        fileprivate var firstByteAt: ContinuousClock.Instant?
        /// The socket was shut down; evhttp has yet to close the connection.
        fileprivate var isDropped = false
        fileprivate var isClosed = false

        fileprivate init(bufferEvent: OpaquePointer, table: ConnectionTable) {
            self.bufferEvent = bufferEvent
            self.table = table
            waitingSince = .now
        }

        fileprivate func inputArrived() {
            if !isAnswering && firstByteAt == nil {
                firstByteAt = .now
            }
        }

        /// The handler has answered; the connection waits for its next request, which
        /// may have begun arriving already.
        func answered() {
            guard !isClosed else { return }
            isAnswering = false
            waitingSince = .now
            let buffered = bufferevent_get_input(bufferEvent).map(evbuffer_get_length) ?? 0
            firstByteAt = buffered > 0 ? waitingSince : nil
        }
    }

    private let maximumConnections: Int?
    private let requestDeadline: Duration?
    private var connections: [OpaquePointer: Connection] = [:]
    private var droppedStillOpen = 0
    private var drops = HTTPServer.DroppedConnections()
    private var unattached: [Connection] = []
    private var attachStep: LoopEvent?
    private var sweepTimer: LoopEvent?

    /// Called at most once per sweep with the connections dropped since the last call.
    var onDrops: ((HTTPServer.DroppedConnections) -> Void)?

    init(
        loop: EventLoop, maximumConnections: Int?, requestDeadline: Duration?
    ) throws(EventError) {
        self.maximumConnections = maximumConnections
        self.requestDeadline = requestDeadline
        attachStep = try LoopEvent.deferred(on: loop) { [unowned self] in attachNew() }
        let interval = min(.seconds(1), (requestDeadline ?? .seconds(4)) / 4)
        sweepTimer = try LoopEvent.timer(on: loop, after: interval, repeats: true) {
            [unowned self] in sweep()
        }
    }

    /// Connections open and not dropped.
    var openCount: Int {
        connections.count - droppedStillOpen
    }

    // MARK: Following connections

    /// Takes in the buffer event of a connection evhttp has just accepted, making room
    /// under the cap first.
    func accepted(_ bufferEvent: OpaquePointer) {
        let connection = Connection(bufferEvent: bufferEvent, table: self)
        bufferevent_incref(bufferEvent)
        if let input = bufferevent_get_input(bufferEvent) {
            connection.inputWatch = evbuffer_add_cb(
                input, connectionInputChanged, Unmanaged.passUnretained(connection).toOpaque())
        }
        if let maximumConnections, openCount >= maximumConnections {
            if let victim = longestWaiting() {
                drop(victim)
            } else {
                // Its socket is not set yet: it is shut down once attached.
                connection.isDropped = true
                droppedStillOpen += 1
            }
            drops.overCap += 1
        }
        connections[bufferEvent] = connection
        unattached.append(connection)
        attachStep?.activate()
    }

    /// The connection a request that reached the handler arrived on, now being answered.
    func requestArrived(_ request: OpaquePointer) -> Connection? {
        guard let owner = evhttp_request_get_connection(request),
            let bufferEvent = evhttp_connection_get_bufferevent(owner),
            let connection = connections[bufferEvent]
        else { return nil }
        connection.isAnswering = true
        connection.firstByteAt = nil
        return connection
    }

    /// Asks evhttp to report each new connection's closing; run once evhttp has set up
    /// the connections accepted on this turn.
    private func attachNew() {
        let batch = unattached
        unattached.removeAll(keepingCapacity: true)
        for connection in batch where !connection.isClosed {
            var eventCallback: bufferevent_event_cb?
            var argument: UnsafeMutableRawPointer?
            bufferevent_getcb(connection.bufferEvent, nil, nil, &eventCallback, &argument)
            guard eventCallback != nil, let argument else {
                // evhttp has already let go of it.
                closed(connection)
                continue
            }
            let owner = OpaquePointer(argument)
            connection.owner = owner
            evhttp_connection_set_closecb(
                owner, connectionClosed, Unmanaged.passUnretained(connection).toOpaque())
            if connection.isDropped {
                shutDown(connection)
            }
        }
    }

    /// Forgets a connection evhttp is closing or has closed, and gives back the table's
    /// reference; evhttp's connection is not touched, since it may be gone.
    fileprivate func closed(_ connection: Connection) {
        guard !connection.isClosed else { return }
        connection.isClosed = true
        connection.owner = nil
        stopWatchingInput(connection)
        if connection.isDropped {
            droppedStillOpen -= 1
        }
        connections[connection.bufferEvent] = nil
        bufferevent_decref(connection.bufferEvent)
    }

    private func stopWatchingInput(_ connection: Connection) {
        // The reference keeps the buffer event, and so its input buffer, alive.
        guard let watch = connection.inputWatch,
            let input = bufferevent_get_input(connection.bufferEvent)
        else { return }
        evbuffer_remove_cb_entry(input, watch)
        connection.inputWatch = nil
    }

    // MARK: Dropping

    /// The waiting connection that has waited longest and has no answer still being
    /// written.
    private func longestWaiting() -> Connection? {
        var oldest: Connection?
        for connection in connections.values
        where !connection.isAnswering && !connection.isDropped
            && connection.waitingSince < (oldest?.waitingSince ?? .now)
        {
            let pending = bufferevent_get_output(connection.bufferEvent).map(evbuffer_get_length)
            if pending == 0 {
                oldest = connection
            }
        }
        return oldest
    }

    private func drop(_ connection: Connection) {
        connection.isDropped = true
        droppedStillOpen += 1
        shutDown(connection)
    }

    private func shutDown(_ connection: Connection) {
        let fd = bufferevent_getfd(connection.bufferEvent)
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
        }
    }

    /// Drops requests past their deadline, forgets connections evhttp let go of without
    /// saying so, and reports what was dropped.
    private func sweep() {
        let now = ContinuousClock.now
        var released: [Connection] = []
        for connection in connections.values where !connection.isDropped {
            if connection.owner != nil, !isHeldByEvhttp(connection) {
                released.append(connection)
            } else if let requestDeadline, !connection.isAnswering,
                let firstByteAt = connection.firstByteAt, now - firstByteAt > requestDeadline
            {
                drop(connection)
                drops.pastDeadline += 1
            }
        }
        for connection in released {
            closed(connection)
        }
        if !drops.isEmpty {
            let report = drops
            drops = HTTPServer.DroppedConnections()
            onDrops?(report)
        }
    }

    /// evhttp clears a buffer event's callbacks when it frees the connection.
    private func isHeldByEvhttp(_ connection: Connection) -> Bool {
        var eventCallback: bufferevent_event_cb?
        bufferevent_getcb(connection.bufferEvent, nil, nil, &eventCallback, nil)
        return eventCallback != nil
    }

    // MARK: Teardown

    /// Stops following every connection, before the server frees evhttp.
    func detachAll() {
        attachStep = nil
        sweepTimer = nil
        for connection in connections.values {
            if let owner = connection.owner {
                evhttp_connection_set_closecb(owner, nil, nil)
                connection.owner = nil
            }
            stopWatchingInput(connection)
        }
    }

    /// Gives back the table's references, after the server has freed evhttp.
    func releaseAll() {
        for connection in connections.values {
            connection.isClosed = true
            bufferevent_decref(connection.bufferEvent)
        }
        connections.removeAll()
    }
}

private func connectionInputChanged(
    _ buffer: OpaquePointer?, _ info: UnsafePointer<evbuffer_cb_info>?,
    _ argument: UnsafeMutableRawPointer?
) {
    guard let info, let argument, info.pointee.n_added > 0 else { return }
    Unmanaged<ConnectionTable.Connection>.fromOpaque(argument).takeUnretainedValue()
        .inputArrived()
}

private func connectionClosed(_ owner: OpaquePointer?, _ argument: UnsafeMutableRawPointer?) {
    guard let argument else { return }
    let connection = Unmanaged<ConnectionTable.Connection>.fromOpaque(argument)
        .takeUnretainedValue()
    connection.table.closed(connection)
}
