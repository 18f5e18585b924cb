import CLibEvent
import Glibc

/// An HTTP/1.1 server on libevent's evhttp, passing every request to one
/// handler on the loop thread.
///
/// Ownership: owns its `evhttp` and the listening sockets bound through it,
/// freed in `deinit`. Requests handed to the handler belong to it until
/// answered; release the server only once `inFlight` is 0, since freeing the
/// evhttp frees its unanswered requests. Thread rules: loop thread only.
public final class HTTPServer {
    /// Bounds applied to every connection before a handler sees a request.
    public struct Limits: Sendable {
        /// Larger bodies are answered 413 by libevent before being read in full.
        public var maximumBodyBytes: Int
        /// The request line and headers together.
        public var maximumHeaderBytes: Int
        /// Read and write timeout of a connection, idle keep-alive included: the longest
        /// it may go without a byte read or written.
        public var timeout: Duration
        /// The most connections open at once; at the cap, a new connection makes the
        /// one that has waited longest for a request go. Nil for no cap.
        public var maximumConnections: Int?
        /// The longest a request may take to arrive, head and body, from its first
        /// byte; nil for no deadline.
        public var requestDeadline: Duration?

        public init(
            maximumBodyBytes: Int, maximumHeaderBytes: Int = 8_192,
            timeout: Duration = .seconds(30), maximumConnections: Int? = nil,
            requestDeadline: Duration? = nil
        ) {
            self.maximumBodyBytes = maximumBodyBytes
            self.maximumHeaderBytes = maximumHeaderBytes
            self.timeout = timeout
            self.maximumConnections = maximumConnections
            self.requestDeadline = requestDeadline
        }
    }

    /// Connections dropped by the cap or the request deadline since the last report.
    public struct DroppedConnections: Sendable, Equatable {
        /// Waiting connections dropped to make room under the cap.
        public var overCap = 0
        /// Connections whose request was still incomplete at its deadline.
        public var pastDeadline = 0

        /// Whether nothing was dropped.
        public var isEmpty: Bool { overCap == 0 && pastDeadline == 0 }
    }

    /// A socket the server listens on, with the port the kernel chose for 0.
    public struct BoundAddress: Sendable, CustomStringConvertible {
        public let host: String
        public let port: UInt16
        public var description: String {
            host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    private let http: OpaquePointer
    private let handler: (HTTPRequest) -> Void
    private let connections: ConnectionTable?
    private var listeners: [OpaquePointer] = []
    fileprivate var isSendingOwnReply = false

    /// Requests handed to the handler and not yet answered.
    public private(set) var inFlight = 0
    /// Called whenever `inFlight` drops to 0; used to finish a graceful stop.
    public var onIdle: (() -> Void)?
    /// Called with the status of each answer that libevent wrote by itself,
    /// without a handler: 413 for a body over the limit, 400 for a request
    /// it could not parse.
    public var onLibraryResponse: ((Int) -> Void)?
    /// Called after each answer a handler sent, with its status and the
    /// time since the request reached the handler; for metrics.
    public var onResponse: ((HTTPStatus, Duration) -> Void)?
    /// Called at most once a second with the connections dropped since the last call,
    /// when the limits set a cap or a request deadline.
    public var onConnectionsDropped: ((DroppedConnections) -> Void)? {
        get { connections?.onDrops }
        set { connections?.onDrops = newValue }
    }

    /// Connections open now, when the limits set a cap or a request deadline; nil
    /// otherwise, since they are then not followed.
    public var openConnections: Int? {
        connections?.openCount
    }

    /// Creates a server on `loop` that passes requests to `handler`.
    ///
    /// - Throws: `EventError` when libevent cannot create the server.
    public init(
        loop: EventLoop, limits: Limits, handler: @escaping (HTTPRequest) -> Void
    ) throws(EventError) {
        let isFollowingConnections =
            limits.maximumConnections != nil || limits.requestDeadline != nil
        connections =
            isFollowingConnections
            ? try ConnectionTable(
                loop: loop, maximumConnections: limits.maximumConnections,
                requestDeadline: limits.requestDeadline) : nil
        guard let http = evhttp_new(loop.base) else {
            throw EventError(operation: "evhttp_new", errno: errno)
        }
        self.http = http
        self.handler = handler
        evhttp_set_max_body_size(http, limits.maximumBodyBytes)
        evhttp_set_max_headers_size(http, limits.maximumHeaderBytes)
        var timeout = timeval(duration: limits.timeout)
        evhttp_set_timeout_tv(http, &timeout)
        // Every method reaches the handler, which answers 405 itself, so that
        // the refusal is logged and counted like any other.
        let everyMethod =
            EVHTTP_REQ_GET.rawValue | EVHTTP_REQ_POST.rawValue
            | EVHTTP_REQ_HEAD.rawValue | EVHTTP_REQ_PUT.rawValue | EVHTTP_REQ_DELETE.rawValue
            | EVHTTP_REQ_OPTIONS.rawValue | EVHTTP_REQ_TRACE.rawValue
            | EVHTTP_REQ_CONNECT.rawValue | EVHTTP_REQ_PATCH.rawValue
        evhttp_set_allowed_methods(http, UInt16(everyMethod))
        let context = Unmanaged.passUnretained(self).toOpaque()
        evhttp_set_gencb(http, httpServerRequestReceived, context)
        evhttp_set_bevcb(http, httpServerNewConnection, context)
    }

    deinit {
        connections?.detachAll()
        evhttp_free(http)
        connections?.releaseAll()
    }

    /// Listens on `host:port`; port 0 lets the kernel choose.
    ///
    /// - Returns: the address actually bound.
    /// - Throws: `EventError` naming the address when the bind fails.
    @discardableResult
    public func bind(host: String, port: UInt16) throws(EventError) -> BoundAddress {
        errno = 0
        guard let handle = evhttp_bind_socket_with_handle(http, host, port) else {
            throw EventError(operation: "listen on \(host):\(port)", errno: errno)
        }
        listeners.append(handle)
        return try address(of: handle)
    }

    /// Serves connections accepted on an already listening socket, such as one
    /// passed by systemd socket activation.
    @discardableResult
    public func adopt(listeningSocket fd: Int32) throws(EventError) -> BoundAddress {
        _ = evutil_make_socket_nonblocking(fd)
        guard let handle = evhttp_accept_socket_with_handle(http, fd) else {
            throw EventError(operation: "accept on inherited socket \(fd)", errno: errno)
        }
        listeners.append(handle)
        return try address(of: handle)
    }

    /// Closes every listening socket; connections already open are served on.
    public func stopAccepting() {
        for handle in listeners {
            evhttp_del_accept_socket(http, handle)
        }
        listeners.removeAll()
    }

    private func address(of handle: OpaquePointer) throws(EventError) -> BoundAddress {
        let fd = evhttp_bound_socket_get_fd(handle)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(fd, $0, &length)
            }
        }
        guard status == 0 else { throw EventError(operation: "getsockname", errno: errno) }
        return SocketAddress.describe(storage)
    }

    fileprivate func received(_ request: OpaquePointer) {
        inFlight += 1
        let connection = connections?.requestArrived(request)
        handler(HTTPRequest(request, server: self, connection: connection))
    }

    fileprivate func accepted(_ bufferEvent: OpaquePointer) {
        connections?.accepted(bufferEvent)
    }

    func send(
        _ request: OpaquePointer, status: HTTPStatus, receivedAt: ContinuousClock.Instant,
        connection: ConnectionTable.Connection?
    ) {
        isSendingOwnReply = true
        evhttp_send_reply(request, Int32(status.code), status.reason, nil)
        isSendingOwnReply = false
        connection?.answered()
        onResponse?(status, .now - receivedAt)
        inFlight -= 1
        if inFlight == 0, let onIdle {
            onIdle()
        }
    }

    fileprivate func outputAdded(_ buffer: OpaquePointer, _ info: evbuffer_cb_info) {
        // A status line written into an empty output buffer while no handler
        // is answering is one that libevent produced on its own.
        guard !isSendingOwnReply, info.orig_size == 0, info.n_added >= 12,
            let onLibraryResponse
        else { return }
        var head = [UInt8](repeating: 0, count: 12)
        let copied = evbuffer_copyout(buffer, &head, 12)
        guard copied == 12, head.starts(with: Array("HTTP/1.".utf8)) else { return }
        let digits = head[9..<12]
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return }
        onLibraryResponse(digits.reduce(0) { $0 * 10 + Int($1 - 0x30) })
    }
}

private func httpServerRequestReceived(_ request: OpaquePointer?, _ arg: UnsafeMutableRawPointer?) {
    guard let request, let arg else { return }
    Unmanaged<HTTPServer>.fromOpaque(arg).takeUnretainedValue().received(request)
}

private func httpServerNewConnection(
    _ base: OpaquePointer?, _ arg: UnsafeMutableRawPointer?
) -> OpaquePointer? {
    // The same bufferevent evhttp would make, plus a watch on its output so
    // that answers libevent writes by itself are seen.
    guard let bufferEvent = bufferevent_socket_new(base, -1, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue))
    else { return nil }
    if let output = bufferevent_get_output(bufferEvent) {
        evbuffer_add_cb(output, httpServerOutputChanged, arg)
    }
    if let arg {
        Unmanaged<HTTPServer>.fromOpaque(arg).takeUnretainedValue().accepted(bufferEvent)
    }
    return bufferEvent
}

private func httpServerOutputChanged(
    _ buffer: OpaquePointer?, _ info: UnsafePointer<evbuffer_cb_info>?,
    _ arg: UnsafeMutableRawPointer?
) {
    guard let buffer, let info, let arg, info.pointee.n_added > 0 else { return }
    Unmanaged<HTTPServer>.fromOpaque(arg).takeUnretainedValue().outputAdded(buffer, info.pointee)
}
