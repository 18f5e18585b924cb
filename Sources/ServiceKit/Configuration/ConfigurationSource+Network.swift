extension ConfigurationSource {
    /// A `host:port` such as `127.0.0.1:8080` or `[::1]:8080`, or `defaultValue` when
    /// unset. An invalid value is a problem, and the default stands in for it.
    public func hostAndPort(
        _ name: String,
        default defaultValue: SocketAddressSpec
    ) -> SocketAddressSpec {
        guard let value = text(name) else {
            return defaultValue
        }

        do {
            return try SocketAddressSpec(parsing: value)
        } catch {
            recordProblem(name, error.description)
            return defaultValue
        }
    }

    /// A comma-separated list of CIDR blocks and bare addresses, IPv4 or IPv6; empty when
    /// unset.
    ///
    /// - Parameters:
    ///   - name: the variable.
    ///   - aliases: words that stand for a list of blocks, matched ignoring case, such as
    ///     `["safaricom": published]`.
    /// - Returns: the blocks in the order written. Each invalid entry is a problem of its
    ///   own and is left out.
    public func cidrList(_ name: String, aliases: [String: [CIDR]] = [:]) -> [CIDR] {
        guard let value = text(name) else {
            return []
        }

        var blocks: [CIDR] = []
        for item in value.split(separator: ",") {
            let entry = String(item.trimmingSpacesAndTabs)
            guard !entry.isEmpty else {
                continue
            }
            if let alias = aliases.first(where: { $0.key.lowercased() == entry.lowercased() }) {
                blocks += alias.value
                continue
            }

            do {
                blocks.append(try CIDR(parsing: entry))
            } catch {
                recordProblem(name, error.description)
            }
        }
        return blocks
    }
}
