import CLibEvent
import Glibc

/// One request received by an `HTTPServer`, answered exactly once.
///
/// Ownership: wraps an `evhttp_request` that libevent keeps alive until
/// `respond` hands it back; the request may be answered later than the
/// handler returns (after a database commit), which is the point of this
/// type. If it is released unanswered, it answers 500 so that no client is
/// left waiting. Thread rules: loop thread only.
public final class HTTPRequest {
    private var request: OpaquePointer?
    private unowned let server: HTTPServer
    private let connection: ConnectionTable.Connection?

    /// The request method.
    public let method: HTTPMethod
    /// The path of the request target, still percent-encoded.
    public let path: String
    /// The query string without `?`, if any.
    public let query: String?
    /// The address of the TCP peer (the proxy, when there is one).
    public let peerAddress: String
    /// When the request reached the handler, on the monotonic clock.
    public let receivedAt: ContinuousClock.Instant

    init(_ request: OpaquePointer, server: HTTPServer, connection: ConnectionTable.Connection?) {
        self.request = request
        self.server = server
        self.connection = connection
        self.receivedAt = .now
        self.method = HTTPRequest.method(of: request)
        let uri = evhttp_request_get_evhttp_uri(request)
        self.path = uri.flatMap { evhttp_uri_get_path($0) }.map { String(cString: $0) } ?? "/"
        self.query = uri.flatMap { evhttp_uri_get_query($0) }.map { String(cString: $0) }
        self.peerAddress = HTTPRequest.peer(of: request)
    }

    deinit {
        if request != nil {
            assertionFailure("an HTTP request was released without an answer")
            respond(status: .internalServerError, body: Array(#"{"error":"internal"}"#.utf8))
        }
    }

    /// Whether `respond` has been called.
    public var hasResponded: Bool { request == nil }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        guard let request, let headers = evhttp_request_get_input_headers(request),
            let value = evhttp_find_header(headers, name)
        else { return nil }
        return String(cString: value)
    }

    /// The values of every header named `name` (case-insensitive), in the order
    /// received.
    public func headerValues(_ name: String) -> [String] {
        guard let request, let headers = evhttp_request_get_input_headers(request) else {
            return []
        }
        var values: [String] = []
        var entry = headers.pointee.tqh_first
        while let header = entry {
            if let key = header.pointee.key, let value = header.pointee.value,
                strcasecmp(key, name) == 0
            {
                values.append(String(cString: value))
            }
            entry = header.pointee.next.tqe_next
        }
        return values
    }

    /// The number of body bytes received.
    public var bodyLength: Int {
        guard let request, let input = evhttp_request_get_input_buffer(request) else { return 0 }
        return evbuffer_get_length(input)
    }

    /// Gives `body` the request body as one contiguous buffer, without copying
    /// unless libevent holds it in pieces.
    public func withBody<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows
        -> Result
    {
        guard let request, let input = evhttp_request_get_input_buffer(request) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        let length = evbuffer_get_length(input)
        let start = evbuffer_pullup(input, -1)
        return try body(UnsafeRawBufferPointer(start: start, count: start == nil ? 0 : length))
    }

    /// Sends the answer and gives the request back to libevent.
    ///
    /// - Parameters:
    ///   - status: the status line.
    ///   - headers: extra response headers, in order.
    ///   - contentType: the `Content-Type`, JSON unless told otherwise.
    ///   - body: the response body.
    public func respond(
        status: HTTPStatus, headers: [(String, String)] = [],
        contentType: String = "application/json", body: [UInt8]
    ) {
        guard let request else {
            assertionFailure("an HTTP request was answered twice")
            return
        }
        self.request = nil
        if let output = evhttp_request_get_output_headers(request) {
            evhttp_add_header(output, "Content-Type", contentType)
            for (name, value) in headers {
                evhttp_add_header(output, name, value)
            }
        }
        if let buffer = evhttp_request_get_output_buffer(request), !body.isEmpty {
            body.withUnsafeBytes { bytes in
                _ = evbuffer_add(buffer, bytes.baseAddress, bytes.count)
            }
        }
        server.send(request, status: status, receivedAt: receivedAt, connection: connection)
    }

    /// Sends a short JSON or text answer given as a string.
    public func respond(
        status: HTTPStatus, headers: [(String, String)] = [],
        contentType: String = "application/json", text: String
    ) {
        respond(status: status, headers: headers, contentType: contentType, body: Array(text.utf8))
    }

    private static func method(of request: OpaquePointer) -> HTTPMethod {
        switch evhttp_request_get_command(request) {
        case EVHTTP_REQ_GET: .get
        case EVHTTP_REQ_HEAD: .head
        case EVHTTP_REQ_POST: .post
        case EVHTTP_REQ_PUT: .put
        case EVHTTP_REQ_DELETE: .delete
        case EVHTTP_REQ_PATCH: .patch
        case EVHTTP_REQ_OPTIONS: .options
        default: .other
        }
    }

    private static func peer(of request: OpaquePointer) -> String {
        guard let connection = evhttp_request_get_connection(request) else { return "unknown" }
        var address: UnsafeMutablePointer<CChar>?
        var port: UInt16 = 0
        evhttp_connection_get_peer(connection, &address, &port)
        guard let address else { return "unknown" }
        return String(cString: address)
    }
}
