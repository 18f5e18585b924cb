import Testing

@testable import PostgresClient

/// How a connection string is taken apart before libpq sees it: errors that
/// do not quote it, and the host names that must be looked up off the loop.
@Suite struct ConnectionParametersTests {
    // MARK: Malformed strings

    @Test(arguments: [
        ("postgresql://clerk:sek%zzrit@db.example/mpesa", "invalid percent-encoded token"),
        ("postgresql://clerk:sekrit@[::1/mpesa", "end of string reached when looking for matching"),
        ("host=db.example password=sekrit port", "missing"),
    ])
    func aMalformedStringIsRefusedWithoutQuotingIt(string: String, words: String) {
        #expect {
            _ = try ConnectionParameters(parsing: string)
        } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.operation == "parse" && error.message.hasPrefix(words)
                && !error.description.contains("sek") && error.message.contains("withheld")
        }
    }

    @Test func anUnquotedComplaintIsKeptWhole() {
        #expect {
            _ = try ConnectionParameters(parsing: "host=db.example password='sekrit")
        } throws: { error in
            (error as? PostgresError)?.message
                == "unterminated quoted string in connection info string"
        }
    }

    @Test func theBlockingConnectionDoesNotQuoteAMalformedStringEither() {
        #expect {
            _ = try BlockingPostgresConnection(
                connectionString: "postgresql://clerk:sek%zzrit@db.example/mpesa")
        } throws: { error in
            "\(error)".contains("invalid percent-encoded token") && !"\(error)".contains("sek")
        }
    }

    @Test func keywordAndURIFormsGiveTheSameSettings() throws {
        let uri = try ConnectionParameters(
            parsing: "postgresql://clerk:secret@db.example:5433/mpesa?sslmode=require")
        let keywords = try ConnectionParameters(
            parsing: "user=clerk password=secret host=db.example port=5433 dbname=mpesa "
                + "sslmode=require")
        for keyword in ["user", "password", "host", "port", "dbname", "sslmode"] {
            #expect(uri[keyword] == keywords[keyword], "\(keyword)")
        }
        #expect(uri["host"] == "db.example")
        #expect(uri["hostaddr"] == nil)
    }

    // MARK: Which hosts need a lookup

    @Test(arguments: [
        ("postgresql://postgres@/mpesa?host=/run/postgresql&port=5432", [String]()),
        ("host=@abstract dbname=mpesa", []),
        ("host=127.0.0.1,::1 port=5432", []),
        ("host=db.example hostaddr=10.0.0.1", []),
        ("postgresql://clerk:secret@db.example:5433/mpesa", ["db.example"]),
        (
            "host=db.example,127.0.0.1,replica.example,db.example",
            ["db.example", "replica.example"]
        ),
    ])
    func namesAreLookedUpOnlyWhereLibPQWouldLookThemUp(string: String, names: [String]) throws {
        #expect(try ConnectionParameters(parsing: string).hostNamesToLookUp == names)
    }

    // MARK: Handing libpq the addresses

    @Test func eachAddressBecomesAnEntryWithItsHostAndPort() throws {
        let parameters = try ConnectionParameters(
            parsing: "host=db.example,/run/postgresql,10.0.0.9 port=5433,5434,5435 user=clerk")
        let resolved = try parameters.resolving(
            with: HostLookup(addresses: ["db.example": ["10.0.0.1", "fd00::1"]]))

        #expect(resolved["host"] == "db.example,db.example,/run/postgresql,10.0.0.9")
        #expect(resolved["hostaddr"] == "10.0.0.1,fd00::1,,")
        #expect(resolved["port"] == "5433,5433,5434,5435")
        #expect(resolved["user"] == "clerk")
        #expect(resolved.hostNamesToLookUp.isEmpty)
    }

    @Test func aSinglePortStaysAsItIs() throws {
        let parameters = try ConnectionParameters(
            parsing: "postgresql://clerk:secret@db.example:5433/mpesa")
        let resolved = try parameters.resolving(
            with: HostLookup(addresses: ["db.example": ["10.0.0.1"]]))

        #expect(resolved["host"] == "db.example")
        #expect(resolved["hostaddr"] == "10.0.0.1")
        #expect(resolved["port"] == "5433")
        #expect(resolved["password"] == "secret")
    }

    @Test func aHostThatDidNotResolveIsLeftOutWhileAnotherRemains() throws {
        let parameters = try ConnectionParameters(parsing: "host=gone.example,db.example")
        let resolved = try parameters.resolving(
            with: HostLookup(
                addresses: ["db.example": ["10.0.0.2"]],
                failures: ["gone.example": "could not translate host name gone.example"]))

        #expect(resolved["host"] == "db.example")
        #expect(resolved["hostaddr"] == "10.0.0.2")
    }

    @Test func noHostLeftIsAResolveErrorWithTheLookupsReason() throws {
        let parameters = try ConnectionParameters(parsing: "host=gone.example password=secret")
        #expect {
            _ = try parameters.resolving(
                with: HostLookup(failures: [
                    "gone.example": "could not translate host name gone.example"
                ]))
        } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.operation == "resolve"
                && error.message == "could not translate host name gone.example"
        }
    }

    @Test func theLibPQArraysHoldEverySettingAndEndInNull() throws {
        let parameters = try ConnectionParameters(parsing: "host=db.example port=5433 user=clerk")
        let pairs = parameters.withLibPQArrays { keywords, values in
            var pairs: [String: String] = [:]
            var index = 0
            while let keyword = keywords[index] {
                pairs[String(cString: keyword)] = values[index].map { String(cString: $0) }
                index += 1
            }
            #expect(values[index] == nil)
            return pairs
        }
        #expect(pairs == ["host": "db.example", "port": "5433", "user": "clerk"])
    }

    // MARK: The lookup itself

    @Test func localhostResolvesToTheLoopbackAddress() {
        let lookup = HostLookup.run(["localhost"])
        #expect(lookup.addresses["localhost"]?.contains("127.0.0.1") == true)
        #expect(lookup.failures.isEmpty)
    }

    @Test func anInvalidNameFailsWithItsName() {
        // `.invalid` is reserved never to resolve (RFC 6761).
        let lookup = HostLookup.run(["db.mpesa-callbackd.invalid"])
        #expect(lookup.addresses.isEmpty)
        #expect(
            lookup.failures["db.mpesa-callbackd.invalid"]?.hasPrefix(
                "could not translate host name db.mpesa-callbackd.invalid") == true)
    }
}
