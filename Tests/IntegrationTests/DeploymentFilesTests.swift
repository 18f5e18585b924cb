import Foundation
import Testing

/// The files that install the daemon as a service: what `deploy/install`
/// lays out, and what systemd makes of the units.
@Suite struct DeploymentFilesTests {
    private static let units = [
        "mpesa-callbackd.service", "mpesa-callbackd.socket", "mpesa-callbackd-admin.socket",
        "mpesa-callbackd-migrate.service",
    ]

    @Test func installLaysOutEveryFileAndKeepsWhatAnOperatorEdited() throws {
        let destination = try Self.install()
        defer { try? FileManager.default.removeItem(atPath: destination) }

        let expected: [(path: String, mode: Int)] = [
            ("/usr/local/bin/mpesa-callbackd", 0o755),
            ("/usr/local/bin/mpesa-stk", 0o755),
            ("/usr/local/lib/systemd/system/mpesa-callbackd.service", 0o644),
            ("/usr/local/lib/systemd/system/mpesa-callbackd.socket", 0o644),
            ("/usr/local/lib/systemd/system/mpesa-callbackd-admin.socket", 0o644),
            ("/usr/local/lib/systemd/system/mpesa-callbackd-migrate.service", 0o644),
            ("/usr/local/lib/sysusers.d/mpesa-callbackd.conf", 0o644),
            ("/usr/local/lib/tmpfiles.d/mpesa-callbackd.conf", 0o644),
            ("/usr/local/share/doc/mpesa-callbackd/README.md", 0o644),
            ("/usr/local/share/mpesa-callbackd/roles.sql", 0o644),
            ("/usr/local/share/mpesa-callbackd/nginx-site.conf", 0o644),
            ("/usr/local/share/mpesa-callbackd/credentials-in-place.conf", 0o644),
            ("/usr/local/share/mpesa-callbackd/prometheus-rules.yml", 0o644),
            ("/etc/default/mpesa-callbackd", 0o644),
            ("/etc/mpesa-callbackd/credentials", 0o750),
            ("/etc/mpesa-callbackd/credentials/MPESA_DATABASE_URL", 0o600),
            ("/etc/mpesa-callbackd/credentials/MPESA_CALLBACK_TOKEN", 0o600),
            ("/etc/mpesa-callbackd/credentials/MPESA_ADMIN_TOKEN", 0o600),
            ("/etc/mpesa-callbackd/credentials/MPESA_CALLBACK_TOKEN_PREVIOUS", 0o600),
            ("/etc/mpesa-callbackd/credentials/MPESA_ADMIN_TOKEN_PREVIOUS", 0o600),
            ("/etc/mpesa-callbackd/credentials/MPESA_MIGRATION_DATABASE_URL", 0o600),
        ]
        for (path, mode) in expected {
            let attributes = try FileManager.default.attributesOfItem(atPath: destination + path)
            #expect((attributes[.posixPermissions] as? Int) == mode, "\(path)")
        }

        // A second install keeps the operator's settings and secrets.
        let settings = destination + "/etc/default/mpesa-callbackd"
        let token = destination + "/etc/mpesa-callbackd/credentials/MPESA_CALLBACK_TOKEN"
        try Data("MPESA_LOG_LEVEL=debug\n".utf8).write(to: URL(fileURLWithPath: settings))
        try Data("a-token-the-operator-wrote-0123456789\n".utf8).write(
            to: URL(fileURLWithPath: token))
        _ = try Self.install(into: destination)
        #expect(try String(contentsOfFile: settings, encoding: .utf8) == "MPESA_LOG_LEVEL=debug\n")
        #expect(
            try String(contentsOfFile: token, encoding: .utf8).hasPrefix("a-token-the-operator"))
        #expect(FileManager.default.fileExists(atPath: settings + ".dist"))
    }

    @Test func everyInstalledUnitPassesSystemdAnalyzeVerify() throws {
        let destination = try Self.install()
        defer { try? FileManager.default.removeItem(atPath: destination) }

        // The units name /usr/local/bin; point them at the programs just laid
        // out, so that verify also checks that each command exists.
        let units = destination + "/usr/local/lib/systemd/system"
        var paths: [String] = []
        for unit in Self.units {
            let text = try String(contentsOfFile: units + "/" + unit, encoding: .utf8)
            let relocated = text.replacingOccurrences(
                of: "=/usr/local/bin/", with: "=\(destination)/usr/local/bin/")
            let path = destination + "/" + unit
            try Data(relocated.utf8).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let result = try ChildProcess.run("/usr/bin/systemd-analyze", ["verify"] + paths)
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.errors.isEmpty, "\(result.errors)")
    }

    @Test func theServiceIsPassedEverySocketUnitUnderANameTheDaemonPlaces() throws {
        let directory = TestEnvironment.repositoryRoot.appendingPathComponent("systemd").path
        let socketUnits = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".socket") }.sorted()
        #expect(socketUnits == ["mpesa-callbackd-admin.socket", "mpesa-callbackd.socket"])

        var names: [String] = []
        for unit in socketUnits {
            let settings = try Self.settings(of: directory + "/" + unit)
            #expect(settings["Service"] == ["mpesa-callbackd.service"], "\(unit)")
            names += settings["FileDescriptorName"] ?? []
        }
        // The names ListenerSockets accepts, each once.
        #expect(names.sorted() == ["admin", "public"])

        let service = try Self.settings(of: directory + "/mpesa-callbackd.service")
        let words = { (key: String) in
            Set((service[key] ?? []).flatMap { $0.split(separator: " ").map(String.init) })
        }
        #expect(words("Sockets") == Set(socketUnits))
        #expect(words("Requires").isSuperset(of: socketUnits))
        #expect(words("After").isSuperset(of: socketUnits))
    }

    /// Every `Key=value` line of a unit file, values in order of appearance.
    private static func settings(of path: String) throws -> [String: [String]] {
        var settings: [String: [String]] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<equals]), default: []].append(
                String(line[line.index(after: equals)...]))
        }
        return settings
    }

    @Test func theServicesAreRatedAtMostTwoForExposure() throws {
        for unit in ["mpesa-callbackd.service", "mpesa-callbackd-migrate.service"] {
            let path = TestEnvironment.repositoryRoot.appendingPathComponent("systemd/" + unit).path
            let result = try ChildProcess.run(
                "/usr/bin/systemd-analyze", ["security", "--offline=true", "--no-pager", path])
            #expect(result.status == 0, "\(result.errors)")
            let marker = "Overall exposure level for \(unit): "
            let level = result.output.split(separator: "\n")
                .first { $0.contains(marker) }
                .flatMap { line in
                    line.components(separatedBy: marker).last?.split(separator: " ").first
                }
                .flatMap { Double($0) }
            #expect(level != nil, "\(result.output)")
            #expect((level ?? 10) <= 2.0, "\(unit): \(level ?? -1)")
        }
    }

    @Test func theAlertingRulesPassPromtool() throws {
        let rules = TestEnvironment.repositoryRoot
            .appendingPathComponent("deploy/prometheus/mpesa-callbackd.rules.yml")
        let result = try ChildProcess.run("/usr/bin/promtool", ["check", "rules", rules.path])
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output.contains("SUCCESS"))
    }

    /// Runs `deploy/install` with the programs of this build into
    /// `destination`, a new directory by default, and returns it.
    private static func install(into destination: String? = nil) throws -> String {
        let root: String
        if let destination {
            root = destination
        } else {
            var template = Array("/tmp/mpesa-install.XXXXXX".utf8CString)
            guard let created = mkdtemp(&template) else { throw TestSetupError("mkdtemp failed") }
            root = String(cString: created)
        }
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("deploy/install.sh")
        let result = try ChildProcess.run(
            script.path, ["--bin-dir", TestEnvironment.binaryDirectory.path],
            environment: ["DESTDIR": root])
        guard result.status == 0 else {
            throw TestSetupError("deploy/install failed: \(result.errors)")
        }
        return root
    }
}
