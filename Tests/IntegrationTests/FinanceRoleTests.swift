import CallbackStore
import Foundation
import PostgresClient
import Testing

/// The `mpesa_finance` role: what a member may read and do, and how the
/// migration creates the role, cluster-wide, once.
@Suite struct FinanceRoleTests {
    /// The views granted to `mpesa_finance`.
    static let reportingViews = [
        "daily_collections", "failed_attempts", "needs_review", "payment_report",
        "request_outcomes", "resolved_reviews",
    ]

    @Test func financeMemberReadsEveryViewAndNothingElse() async throws {
        try await withDaemon { daemon, database in
            try await FinanceSamples.record(on: daemon, in: database)
            try Self.resolveOneReviewItem(in: database)
            let user = try FinanceUser(clusterURL: try TestEnvironment.databaseURL())
            defer { user.drop() }

            let owner = try database.connect()
            let finance = try user.connect(to: database)
            try expectEveryViewReadable(by: finance, sameAs: owner)
            try expectNoViewShowsBodiesOrTokens(owner)
            try expectEverythingElseRefused(to: finance, owner: owner)
        }
    }

    @Test func functionInAMembersQuerySeesOnlyTheRowsAViewShows() async throws {
        try await withDaemon { daemon, database in
            try await FinanceSamples.record(on: daemon, in: database)
            try Self.resolveOneReviewItem(in: database)
            let user = try FinanceUser(clusterURL: try TestEnvironment.databaseURL())
            defer { user.drop() }

            // A member may write a function of their own in pg_temp. Were its
            // condition applied below a view's own filter, it would be shown
            // rows of the tables that the view leaves out.
            let finance = try user.connect(to: database)
            try finance.execute(
                script: """
                    CREATE TEMPORARY TABLE seen (view text, value text);
                    CREATE FUNCTION pg_temp.peek(text, text) RETURNS boolean
                    LANGUAGE plpgsql COST 0.0000001
                    AS $$ BEGIN INSERT INTO seen VALUES ($1, $2); RETURN true; END $$;
                    """)
            let probes = [
                ("payment_report", "account_reference"), ("needs_review", "checkout_request_id"),
                ("failed_attempts", "result_code"), ("daily_collections", "day::text"),
                ("request_outcomes", "day::text"), ("resolved_reviews", "note"),
            ]
            for (view, column) in probes {
                try finance.execute(
                    "SELECT count(*) FROM mpesa.\(view) WHERE pg_temp.peek($1, \(column))",
                    [.text(view)])
                let unseen = try finance.execute(
                    """
                    SELECT value FROM seen WHERE view = $1
                    EXCEPT SELECT \(column) FROM mpesa.\(view)
                    """, [.text(view)]
                ).rows
                #expect(unseen.isEmpty, "\(view) let a function see \(unseen)")
            }
            let seen = try finance.execute("SELECT count(*) FROM seen").rows
            #expect(seen != [["0"]])
        }
    }

    /// Marks the unknown push of the samples as dealt with, so that
    /// `mpesa.resolved_reviews` has a row to show.
    private static func resolveOneReviewItem(in database: TestDatabase) throws {
        let resolved = try database.connect().execute(
            """
            INSERT INTO mpesa.review_resolutions (kind, item_id, reason, note)
            SELECT kind, id, reason, 'The customer was not prompted; sent again.'
            FROM mpesa.needs_review
            WHERE kind = 'stk_request' AND checkout_request_id = 'ws_CO_fin_unknown'
            """)
        #expect(resolved.affectedRows == 1)
    }

    /// Each view gives a member the rows its owner sees, and some rows.
    private func expectEveryViewReadable(
        by finance: BlockingPostgresConnection, sameAs owner: BlockingPostgresConnection
    ) throws {
        for view in Self.reportingViews {
            let query = "SELECT * FROM mpesa.\(view) ORDER BY 1, 2, 3"
            let seen = try finance.execute(query).rows
            #expect(!seen.isEmpty, "\(view) has rows")
            #expect(seen == (try owner.execute(query).rows), "\(view)")
            let writable = try finance.execute(
                "SELECT has_table_privilege($1, 'INSERT, UPDATE, DELETE, TRUNCATE')",
                [.text("mpesa.\(view)")])
            #expect(writable.rows == [["f"]], "\(view)")
            // A view that cannot be updated refuses a write (55000) before
            // the privilege check would (42501).
            for write in ["INSERT INTO mpesa.\(view) DEFAULT VALUES", "DELETE FROM mpesa.\(view)"] {
                expectRefused(write, on: finance, sqlStates: ["55000", "42501"])
            }
            expectRefused("ALTER VIEW mpesa.\(view) RENAME TO finance_renamed", on: finance)
            expectRefused("DROP VIEW mpesa.\(view)", on: finance)
        }
    }

    private func expectNoViewShowsBodiesOrTokens(_ owner: BlockingPostgresConnection) throws {
        let exposed = try owner.execute(
            """
            SELECT table_name || '.' || column_name FROM information_schema.columns
            WHERE table_schema = 'mpesa' AND table_name = ANY ($1::text[])
                AND (data_type = 'bytea' OR column_name ~ '(body|token|secret|password|key)')
            """, [.text("{\(Self.reportingViews.joined(separator: ","))}")]
        ).rows
        #expect(exposed.isEmpty, "\(exposed)")
    }

    /// Every other relation of the schema refuses reads and writes, and
    /// nothing new can be created in it.
    private func expectEverythingElseRefused(
        to finance: BlockingPostgresConnection, owner: BlockingPostgresConnection
    ) throws {
        let relations = try owner.execute(
            """
            SELECT c.relname, c.relkind::text FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'mpesa' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                AND NOT c.relname = ANY ($1::text[])
            ORDER BY c.relname
            """, [.text("{\(Self.reportingViews.joined(separator: ","))}")]
        ).rows.compactMap { row in row[0].flatMap { name in row[1].map { (name, $0) } } }
        let names = Set(relations.map(\.0))
        #expect(
            names.isSuperset(of: [
                "callbacks", "payments", "rejected_callbacks", "stk_requests",
                "schema_migrations", "result_codes", "payments_id_seq",
            ]))

        for (name, kind) in relations {
            let relation = "mpesa.\(name)"
            if kind == "S" {
                expectRefused("SELECT * FROM \(relation)", on: finance)
                expectRefused("SELECT nextval('\(relation)')", on: finance)
                expectRefused("SELECT setval('\(relation)', 1)", on: finance)
                continue
            }
            let column =
                try owner.execute(
                    """
                    SELECT attname FROM pg_attribute
                    WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
                        AND attidentity = ''
                    ORDER BY attnum LIMIT 1
                    """, [.text(relation)]
                ).rows.first?.first ?? nil
            let anyColumn = try #require(column, "\(relation) has a plain column")
            expectRefused("SELECT * FROM \(relation) LIMIT 1", on: finance)
            expectRefused("SELECT count(*) FROM \(relation)", on: finance)
            expectRefused("INSERT INTO \(relation) DEFAULT VALUES", on: finance)
            expectRefused("UPDATE \(relation) SET \(anyColumn) = \(anyColumn)", on: finance)
            expectRefused("DELETE FROM \(relation)", on: finance)
            expectRefused("TRUNCATE \(relation)", on: finance)
        }
        expectRefused("CREATE TABLE mpesa.finance_made (a integer)", on: finance)
        expectRefused("CREATE VIEW mpesa.finance_view AS SELECT 1 AS a", on: finance)
    }

    @Test func everyQueryInTheReportingGuideRunsAsAFinanceMember() async throws {
        let guide = try String(
            contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent(
                "deploy/REPORTING.md"),
            encoding: .utf8)
        let queries = Self.sqlBlocks(of: guide)
        #expect(queries.count == 11)
        try await withDaemon { daemon, database in
            try await FinanceSamples.record(on: daemon, in: database)
            try Self.resolveOneReviewItem(in: database)
            let user = try FinanceUser(clusterURL: try TestEnvironment.databaseURL())
            defer { user.drop() }

            let finance = try user.connect(to: database)
            for (index, query) in queries.enumerated() {
                do {
                    try finance.execute(script: query)
                } catch {
                    Issue.record("query \(index + 1) of the guide failed: \(error)")
                }
            }
        }
    }

    /// The contents of every fenced `sql` block of a Markdown text.
    static func sqlBlocks(of markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sql" {
                current = []
            } else if let lines = current, line == "```" {
                blocks.append(lines.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test func migratorWithoutCreateRoleNeedsTheRoleMadeFirst() async throws {
        let cluster = try PrivateCluster()
        defer { cluster.destroy() }
        let admin = try BlockingPostgresConnection(connectionString: cluster.url)
        try admin.execute(
            script: """
                CREATE ROLE mpesa_migrator LOGIN NOCREATEROLE;
                ALTER DATABASE mpesa OWNER TO mpesa_migrator;
                """)
        let migratorURL = try databaseURL(cluster.url, user: "mpesa_migrator")

        let refused = try migrate(migratorURL)
        #expect(refused.status != 0)
        #expect(refused.errors.contains("CREATE ROLE mpesa_finance NOLOGIN"), "\(refused.errors)")
        // Migration 3 is rolled back whole, and nothing after it runs.
        let beforeFinance = Migration.all.prefix { $0.version != 3 }.map { String($0.version) }
        #expect(try appliedVersions(admin) == Array(beforeFinance))

        try admin.execute(script: "CREATE ROLE mpesa_finance NOLOGIN")
        let applied = try migrate(migratorURL)
        #expect(applied.status == 0, "\(applied.errors)")
        #expect(try appliedVersions(admin) == Migration.all.map { String($0.version) })
        let grants = try admin.execute(
            """
            SELECT has_table_privilege('mpesa_finance', 'mpesa.needs_review', 'SELECT'),
                has_table_privilege('mpesa_finance', 'mpesa.payments', 'SELECT')
            """
        ).rows
        #expect(grants == [["t", "f"]])
    }

    @Test func migrationFindingTheRoleJustCreatedElsewhereGoesOn() async throws {
        let cluster = try PrivateCluster()
        defer { cluster.destroy() }
        let admin = try BlockingPostgresConnection(connectionString: cluster.url)
        try admin.execute(script: "CREATE DATABASE second")
        let secondURL = try TestDatabase.url(cluster.url, withDatabase: "second")

        // Another database's migration has created the role and not yet
        // committed: this one cannot see it, tries to create it and waits.
        let other = try BlockingPostgresConnection(connectionString: cluster.url)
        try other.execute(script: "BEGIN; CREATE ROLE mpesa_finance NOLOGIN")
        let errors = try TemporaryFile()
        let child = try ChildProcess(
            executable: TestEnvironment.program("mpesa-callbackd").path, arguments: ["migrate"],
            environment: ["MPESA_DATABASE_URL": secondURL], standardError: errors.descriptor)
        try await waitUntil("the migration waits for the other transaction") {
            try admin.execute(
                """
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = 'second' AND wait_event_type = 'Lock'
                """
            ).rows == [["1"]]
        }
        try other.execute(script: "COMMIT")

        let status = await child.waitForExit(timeout: .seconds(60))
        #expect(status == 0, "\(errors.contents())")
        let second = try BlockingPostgresConnection(connectionString: secondURL)
        #expect(try appliedVersions(second) == Migration.all.map { String($0.version) })
    }

    private func migrate(_ url: String) throws -> (status: Int32, output: String, errors: String) {
        try ChildProcess.run(
            TestEnvironment.program("mpesa-callbackd").path, ["migrate"],
            environment: ["MPESA_DATABASE_URL": url])
    }

    private func appliedVersions(_ connection: BlockingPostgresConnection) throws -> [String] {
        try connection.execute(
            "SELECT version::text FROM mpesa.schema_migrations ORDER BY version::integer"
        )
        .rows.compactMap { $0.first ?? nil }
    }

}
