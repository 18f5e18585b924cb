import ServiceKit
import Testing

@Suite struct OpenFileLimitTests {
    @Test func theSoftLimitIsRaisedToTheHardOne() throws {
        let raised = try OpenFileLimit.raiseToHardLimit()

        #expect(raised.soft == raised.hard)
        #expect(try OpenFileLimit.current() == raised)
        #expect(try OpenFileLimit.raiseToHardLimit() == raised)
    }
}
