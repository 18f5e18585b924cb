// The libFuzzer entry point for the callback validator and the strict JSON
// parser. deploy/fuzz/run compiles it together with Sources/MpesaCore into
// one module, with -sanitize=fuzzer,address; SwiftPM cannot build a single
// target with other flags than the rest.
//
// Besides "no crash, no leak, no memory error", each input is checked
// against what the module promises:
//
// - the validator refuses every body the parser refuses;
// - a value the parser reads, written out by JSONWriter, reads back equal;
// - a callback the validator accepts, written out the way Safaricom writes
//   it (StkCallback.jsonBytes), validates back to an equal callback.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    let verdict = CallbackValidator.validate(bytes)

    let parsed: JSONValue?
    do {
        parsed = try StrictJSONParser.parse(bytes, maximumDepth: CallbackLimits.maximumDepth)
    } catch {
        parsed = nil
    }
    if parsed == nil, case .success = verdict {
        preconditionFailure("the validator accepted a body the parser refuses")
    }

    if let parsed {
        let written = JSONWriter.encode(parsed)
        let reread = try? StrictJSONParser.parse(written, maximumDepth: StrictJSONParser.depthCeiling)
        precondition(reread == parsed, "a parsed value does not survive JSONWriter")
    }

    if case .success(let callback) = verdict {
        let written = callback.jsonBytes()
        guard case .success(let reread) = CallbackValidator.validate(written) else {
            preconditionFailure("a valid callback, written out, is no longer valid")
        }
        precondition(reread == callback, "a valid callback, written out, reads back different")
    }
    return 0
}
