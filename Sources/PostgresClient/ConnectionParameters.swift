import CLibPQ
import Glibc

/// A libpq connection string taken apart into keywords and values, for two
/// reasons.
///
/// Secrecy: libpq's own complaint about a malformed string may quote it,
/// password included (`invalid percent-encoded token: "…"`), and would reach
/// a log line through `PQerrorMessage`. Parsing here first lets the error
/// keep libpq's words and drop what it quotes.
///
/// The event loop: given a host name, `PQconnectStart` looks it up with a
/// blocking `getaddrinfo` on the calling thread. `hostNamesToLookUp` lists
/// the names libpq would look up, `HostLookup.run` resolves them on another
/// thread, and `resolving(with:)` hands libpq the numeric addresses in
/// `hostaddr` while `host` keeps the names, which TLS verification and the
/// password file still use. Nothing here is ever logged whole.
public struct ConnectionParameters: Sendable {
    /// One keyword and its value, as libpq's parser returned them.
    struct Setting: Sendable, Equatable {
        let keyword: String
        var value: String
    }

    /// The settings the string gave, in libpq's order.
    private(set) var settings: [Setting]

    /// Parses `connectionString` as libpq would (keyword/value or URI form).
    ///
    /// - Throws: `PostgresError` of kind `.connection` and operation `parse`,
    ///   whose message is libpq's up to the first thing it quotes.
    public init(parsing connectionString: String) throws(PostgresError) {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &message) else {
            let text = message.map { String(cString: $0) } ?? "out of memory"
            PQfreemem(message)
            throw PostgresError(
                kind: .connection, operation: "parse",
                message: Self.withoutQuotedText(LibPQ.firstLine(text)))
        }
        defer { PQconninfoFree(options) }
        var settings: [Setting] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                settings.append(
                    Setting(keyword: String(cString: keyword), value: String(cString: value)))
            }
            option += 1
        }
        self.settings = settings
    }

    /// The value given for `keyword`, if any.
    subscript(keyword: String) -> String? {
        get { settings.first { $0.keyword == keyword }?.value }
        set {
            if let index = settings.firstIndex(where: { $0.keyword == keyword }) {
                if let newValue {
                    settings[index].value = newValue
                } else {
                    settings.remove(at: index)
                }
            } else if let newValue {
                settings.append(Setting(keyword: keyword, value: newValue))
            }
        }
    }

    /// libpq's message up to its first double quote: what follows a quote
    /// is a piece of the connection string.
    static func withoutQuotedText(_ message: String) -> String {
        guard let quote = message.firstIndex(of: "\"") else { return message }
        var kept = message[..<quote]
        while let last = kept.last, last == " " || last == ":" {
            kept.removeLast()
        }
        let words = kept.isEmpty ? "malformed connection string" : String(kept)
        return words + " (the quoted part of the connection string is withheld)"
    }

    // MARK: Host names

    /// The host names libpq would look up itself: the entries of `host` that
    /// are neither a socket directory nor a numeric address, unless
    /// `hostaddr` already gives the addresses. Without `host` in the string,
    /// libpq reads `PGHOST` (and `PGHOSTADDR`) from the environment, and so
    /// does this. A host named only in a `pg_service.conf` service is not
    /// seen here: libpq looks that one up itself.
    // TODO: a host given only by a service file is looked up by libpq on
    // the calling thread; reading `pg_service.conf` here would cover it.
    public var hostNamesToLookUp: [String] {
        guard hostAddresses == nil else { return [] }
        var names: [String] = []
        for host in hosts where Self.isHostName(host) && !names.contains(host) {
            names.append(host)
        }
        return names
    }

    private var hostAddresses: String? {
        self["hostaddr"] ?? (self["host"] == nil ? Self.environment("PGHOSTADDR") : nil)
    }

    private var hosts: [String] {
        guard let list = self["host"] ?? Self.environment("PGHOST") else { return [] }
        return Self.entries(list)
    }

    /// Whether libpq would look `host` up: not empty (the default socket),
    /// not a socket directory (`/…`, or `@…` for the abstract namespace),
    /// not already an IPv4 or IPv6 address.
    static func isHostName(_ host: String) -> Bool {
        guard let first = host.first, first != "/", first != "@" else { return false }
        var address = in6_addr()
        return inet_pton(AF_INET, host, &address) != 1 && inet_pton(AF_INET6, host, &address) != 1
    }

    /// A comma-separated libpq list, entries as written (libpq does not trim them).
    private static func entries(_ list: String) -> [String] {
        list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// These parameters with every host name replaced by the addresses
    /// `lookup` found for it: one entry of `host`, `hostaddr` and (when it
    /// is a list) `port` per address, in the order `getaddrinfo` gave, so
    /// libpq tries them in turn as it would have. Sockets and numeric hosts
    /// keep an empty `hostaddr` entry, which libpq reads as "use `host`".
    ///
    /// - Throws: `PostgresError` of kind `.connection` when no host is left,
    ///   every name having failed to resolve.
    public func resolving(with lookup: HostLookup) throws(PostgresError) -> ConnectionParameters {
        let hosts = self.hosts
        guard hostAddresses == nil, hosts.contains(where: Self.isHostName) else { return self }
        let ports = self["port"].map(Self.entries) ?? []
        let portPerHost = ports.count == hosts.count && hosts.count > 1
        var newHosts: [String] = []
        var newAddresses: [String] = []
        var newPorts: [String] = []
        for (index, host) in hosts.enumerated() {
            let addresses = Self.isHostName(host) ? lookup.addresses[host] ?? [] : [""]
            for address in addresses {
                newHosts.append(host)
                newAddresses.append(address)
                if portPerHost {
                    newPorts.append(ports[index])
                }
            }
        }
        guard !newHosts.isEmpty else {
            let reasons = hosts.compactMap { lookup.failures[$0] }
            throw PostgresError(
                kind: .connection, operation: "resolve",
                message: reasons.first ?? "no address for the database host")
        }
        var resolved = self
        resolved["host"] = newHosts.joined(separator: ",")
        resolved["hostaddr"] = newAddresses.joined(separator: ",")
        if portPerHost {
            resolved["port"] = newPorts.joined(separator: ",")
        }
        return resolved
    }

    /// Calls `body` with the NULL-terminated keyword and value arrays that
    /// `PQconnectStartParams` and `PQconnectdbParams` take; the pointers
    /// are valid only during the call.
    func withLibPQArrays<Result>(
        _ body: (_ keywords: [UnsafePointer<CChar>?], _ values: [UnsafePointer<CChar>?]) -> Result
    ) -> Result {
        let keywords = settings.map { strdup($0.keyword) }
        let values = settings.map { strdup($0.value) }
        defer {
            for pointer in keywords + values {
                // The copy may hold the password: wiped before it is freed.
                if let pointer {
                    memset(pointer, 0, strlen(pointer))
                }
                free(pointer)
            }
        }
        return body(
            keywords.map { UnsafePointer($0) } + [nil], values.map { UnsafePointer($0) } + [nil])
    }
}

/// The addresses found for a set of host names, and why the others failed.
public struct HostLookup: Sendable {
    /// Numeric addresses per name, in `getaddrinfo`'s order, without repeats.
    public var addresses: [String: [String]]
    /// `getaddrinfo`'s reason per name that gave no address.
    public var failures: [String: String]

    public init(addresses: [String: [String]] = [:], failures: [String: String] = [:]) {
        self.addresses = addresses
        self.failures = failures
    }

    /// Looks `names` up with `getaddrinfo`, as libpq would (any family,
    /// stream sockets). Blocks: call it on a thread other than a loop's.
    public static func run(_ names: [String]) -> HostLookup {
        var lookup = HostLookup()
        for name in names {
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(name, nil, &hints, &list)
            guard status == 0 else {
                let reason = String(cString: gai_strerror(status))
                lookup.failures[name] =
                    "could not translate host name \(name) to an address: \(reason)"
                continue
            }
            defer { freeaddrinfo(list) }
            var found: [String] = []
            var entry = list
            while let current = entry {
                var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                if getnameinfo(
                    current.pointee.ai_addr, current.pointee.ai_addrlen, &text,
                    socklen_t(text.count),
                    nil, 0, NI_NUMERICHOST) == 0
                {
                    let address = String(
                        decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                        as: UTF8.self)
                    if !found.contains(address) {
                        found.append(address)
                    }
                }
                entry = current.pointee.ai_next
            }
            if found.isEmpty {
                lookup.failures[name] = "could not translate host name \(name) to an address"
            } else {
                lookup.addresses[name] = found
            }
        }
        return lookup
    }
}
