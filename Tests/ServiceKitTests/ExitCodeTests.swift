import ServiceKit
import Testing

@Suite struct ExitCodeTests {
    @Test func theStatusesAreTheSysexitsValuesUnitsRelyOn() {
        #expect(ExitCode.success.rawValue == 0)
        #expect(ExitCode.failure.rawValue == 1)
        #expect(ExitCode.usage.rawValue == 64)
        #expect(ExitCode.configuration.rawValue == 78)
    }
}
