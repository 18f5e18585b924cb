import Glibc

extension ConfigurationSource {
    /// The largest credential file read; a larger one is a problem.
    public static let maximumCredentialBytes = 65_536

    /// A secret from the variable `name`, or else from the file `name` in the credentials
    /// directory, or `nil` when neither is set.
    ///
    /// One trailing newline is removed from a file. A file that cannot be read, a value
    /// with a control character or one shorter than `minimumLength` characters is a
    /// problem, and `nil` stands in for it. Problems never quote the value.
    public func secret(_ name: String, minimumLength: Int = 1) -> Secret? {
        guard let value = text(name) else {
            return nil
        }

        // A stray newline in a token would end up in a header or a URL.
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            recordProblem(name, "contains a control character")
            return nil
        }
        guard value.count >= minimumLength else {
            recordProblem(name, "is shorter than \(minimumLength) characters")
            return nil
        }
        return Secret(value)
    }

    /// A secret that must be set, read as `secret(_:minimumLength:)` reads it.
    ///
    /// When it is missing or invalid, a problem is recorded and an empty secret stands in.
    public func requiredSecret(_ name: String, minimumLength: Int = 1) -> Secret {
        let problemsBefore = problems.count
        if let secret = secret(name, minimumLength: minimumLength) {
            return secret
        }

        if problems.count == problemsBefore {
            recordProblem(name, "is required, as a variable or a credential file")
        }
        return Secret("")
    }

    /// What reading a credential file found.
    enum CredentialFile {
        case absent
        case contents(String)
        case unreadable(String)
    }

    /// Reads the credential file `name`, bounded by `maximumCredentialBytes`.
    func readCredential(_ name: String) -> CredentialFile {
        guard let directory = credentialsDirectory else {
            return .absent
        }

        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        let limit = ConfigurationSource.maximumCredentialBytes
        let bytes: [UInt8]
        do throws(SystemCallError) {
            guard let contents = try readFile(path, limit: limit) else {
                return .unreadable("credential file \(path) is larger than 64 KiB")
            }
            bytes = contents
        } catch let error where error.errno == ENOENT {
            return .absent
        } catch {
            return .unreadable("cannot read credential file \(path): \(error)")
        }

        guard var text = String(validating: bytes, as: UTF8.self) else {
            return .unreadable("credential file \(path) is not UTF-8 text")
        }
        if text.hasSuffix("\n") {
            text.removeLast()
        }
        return .contents(text)
    }

    /// The whole file at `path`, or `nil` when it holds more than `limit` bytes.
    private func readFile(_ path: String, limit: Int) throws(SystemCallError) -> [UInt8]? {
        let descriptor = try retryingSystemCall("open") { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(descriptor) }

        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = try retryingSystemCall("read") {
                buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            }
            guard count > 0 else {
                return contents
            }
            contents += buffer[..<count]
            guard contents.count <= limit else {
                return nil
            }
        }
    }
}
